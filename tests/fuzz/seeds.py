"""Example payloads from the provider docs (../shared/providers), verbatim: the seeds every mutation starts from."""

SEEDS: dict[str, str] = {
    "odds": """{
"data": [
{
"id": "28265-17233-24-44:pinnacle:1st_half_moneyline:philadelphia_eagles",
"fixture_id": "A69FA4D64518",
"game_id": "28265-17233-24-44",
"sport": "football",
"league": "NFL",
"sportsbook": "Pinnacle",
"market": "1st Half Moneyline",
"name": "Philadelphia Eagles",
"selection": "Philadelphia Eagles",
"selection_line": "",
"is_main": true,
"is_live": false,
"price": -230,
"points": null,
"timestamp": 1730079534.7125728,
"player_id": "",
"team_id": "EDCC2866B795",
"grouping_key": "default",
"limits": { "max_stake": 1000 },
"deep_link": {
"desktop": "https://www.pinnacle.com/...",
"ios": "https://www.pinnacle.com/...",
"android": "https://www.pinnacle.com/..."
}
}
],
"entry_id": "1730079534820-2",
"type": "odds"
}""",
    "fixture-status-time": """{
"data": {
"fixture_id": "FB0D30DCDD6C",
"game_id": "88067-26534-2024-35",
"sport": "tennis",
"league": "ATP",
"old_start_date": "2024-08-28T20:20:00+00:00",
"new_start_date": "2024-08-28T20:30:00+00:00",
"old_status": null,
"new_status": null,
"fixture": {
"id": "FB0D30DCDD6C",
"home_team_display": "Miomir Kecmanovic",
"away_team_display": "Lorenzo Musetti",
"start_date": "2024-08-28T20:30:00+00:00"
},
"timestamp": 1724871720.2406485
},
"entry_id": "1724871720243-0"
}""",
    "fixture-status-cancelled": """{
"data": {
"fixture_id": "E145B23767E0",
"sport": "tennis",
"league": "WTA",
"old_status": "unplayed",
"new_status": "cancelled",
"old_start_date": null,
"new_start_date": null,
"timestamp": 1724761586.2172334
},
"entry_id": "1724761586216-0"
}""",
    "copilot-odds": """{
  "entry_id": "1678113258940-2",
  "data": [
    {
      "fixture_id": "4825158B6424",
      "game_id": "16903-41811-2024-10-22",
      "grouping_key": "default:104.5",
      "id": "1:-1:4825158B6424:1st_half_total_points:over_104_5",
      "is_live": false,
      "is_main": false,
      "league": "NBA",
      "market": "1st Half Total Points",
      "name": "Over 104.5",
      "odd_id": "4825158B6424:1st_half_total_points:over_104_5",
      "player_id": "",
      "points": 104.5,
      "price": -196,
      "selection": "",
      "selection_line": "over",
      "sport": "basketball",
      "team_id": "",
      "timestamp": 1729646525,
      "version_id": -1
    }
  ],
  "type": "copilot-odds"
}""",
    "copilot-locked-odds": """{
  "entry_id": "1682600339900-0",
  "data": [
    {
      "fixture_id": "D86AB59E8025",
      "game_id": "19370-30354-2024-10-23",
      "grouping_key": "miami_heat:105.5",
      "id": "1:-1:D86AB59E8025:team_total:miami_heat_over_105_5",
      "is_live": false,
      "is_main": true,
      "league": "NBA",
      "market": "Team Total",
      "name": "Miami Heat Over 105.5",
      "odd_id": "D86AB59E8025:team_total:miami_heat_over_105_5",
      "player_id": "",
      "points": 105.5,
      "price": -103,
      "selection": "Miami Heat",
      "selection_line": "over",
      "sport": "basketball",
      "team_id": "26BB4DC5722F",
      "timestamp": 1729646600,
      "version_id": -1
    }
  ],
  "type": "copilot-locked-odds"
}""",
    "copilot-settled-odds": """{
  "entry_id": "1682600339900-0",
  "data": [
    {
      "fixture_id": "D86AB59E8025",
      "game_id": "19370-30354-2024-10-23",
      "id": "1:-1:D86AB59E8025:team_total:miami_heat_over_105_5",
      "league": "NBA",
      "market": "Team Total",
      "name": "Miami Heat Over 105.5",
      "odd_id": "D86AB59E8025:team_total:miami_heat_over_105_5",
      "player_id": "",
      "sport": "basketball",
      "team_id": "26BB4DC5722F",
      "timestamp": 1729646600,
      "settlement": "Won",
      "settled_at": "2024-07-16T22:00:00+00:00",
      "version_id": -1
    }
  ],
  "type": "copilot-settled-odds"
}""",
    "fixture-status-copilot": """{
  "data": {
    "fixture": {
      "away_team_display": "Saisai Zheng",
      "game_id": "30697-79652-2024-35",
      "home_team_display": "Jessika Ponchet",
      "id": "E145B23767E0",
      "start_date": "2024-08-27T15:00:00+00:00"
    },
    "fixture_id": "E145B23767E0",
    "game_id": "30697-79652-2024-35",
    "league": "WTA",
    "new_start_date": null,
    "new_status": "cancelled",
    "old_start_date": null,
    "old_status": "unplayed",
    "sport": "tennis",
    "timestamp": 1724761586.2172334
  },
  "entry_id": "1724761586216-0"
}""",
    "parlay": """{
    "data": {
        "error": null,
        "missing_entries": null,
        "legs": [
            {
                "id": "2:-1:nba:9818DC020C5E:moneyline:atlanta_hawks",
                "price": 135.0
            },
            {
                "id": "2:-1:nba:9818DC020C5E:player_points:aaron_nesmith_under_12_5",
                "price": -114.0
            }
        ],
        "price": 278.0
    }
}""",
    "papi-bookmakers": """{
"channel": "bookmakers",
"type": "UPDATE",
"payload": {
"fixtureId": "id1500026861811720",
"bookmakers": {
"stake": {
"bookmaker": "stake",
"bookmakerFixtureId": "46137681-avtomobilist-yekaterinburg-hc-lada-togliatti",
"fixturePath": null,
"hasOdds": true,
"staleOdds": false,
"suspended": false,
"participantsRotated": false,
"meta": null,
"updatedAt": "2025-12-28T18:37:13.719926+00:00"
}
}
},
"ts": 1766947033889,
"entryId": "1766947033889-1"
}""",
    "papi-fixtures": """{
"channel": "fixtures",
"type": "UPDATE",
"payload": {
"fixtureId": "id1000046363014481",
"status": {
"live": true,
"statusId": 1,
"statusName": "Live"
},
"sport": {
"sportId": 10,
"sportName": "Soccer"
},
"tournament": {
"tournamentId": 463,
"tournamentName": "AFC Champions League Elite",
"categoryName": "International Clubs"
},
"season": {
"seasonId": 131657,
"seasonName": "AFC Champions League Elite 25/26"
},
"startTime": 1766427300,
"trueStartTime": "2025-12-22T18:15:38.441757+00:00",
"trueEndTime": null,
"participants": {
"participant1Id": 61532,
"participant1RotNr": null,
"participant1Name": "Al Shorta SC",
"participant1Abbr": null,
"participant2Id": 34469,
"participant2RotNr": null,
"participant2Name": "Al Ahli Saudi FC",
"participant2Abbr": null
},
"scores": {},
"expectedPeriods": null,
"periodLength": null,
"externalProviders": {
"betgeniusId": 12860147,
"betradarId": 63014481,
"flashscoreId": "hUsabPpR",
"mollybetId": "2025-12-22,29690,26898",
"oddinId": null,
"opticoddsId": "20251222AF56C9CD",
"pinnacleId": 1621307620,
"sofascoreId": 14466133,
"lsportsId": null,
"txoddsId": null
}
},
"ts": 1766427338743,
"entryId": "1766427338743-4273"
}""",
    "papi-odds": """{
"channel": "odds",
"type": "UPDATE",
"payload": {
"fixtureId": "id1100013262924543",
"odds": {
"stake": {
"id1100013262924543:stake:111:0": {
"bookmaker": "stake",
"outcomeId": 111,
"playerId": 0,
"active": true,
"price": 1.91,
"marketActive": true,
"mainLine": true,
"changedAt": 1766427330098
}
}
}
},
"ts": 1766427330257,
"entryId": "1766427330257-84805"
}""",
    "papi-odds-prediction": """{
"channel": "odds",
"type": "UPDATE",
"payload": {
"fixtureId": "id1100064864029581",
"odds": {
"polymarket": {
"id1100064864029581:polymarket:112:0": {
"bookmaker": "polymarket",
"outcomeId": 112,
"playerId": 0,
"active": true,
"price": 6.369,
"priceAmerican": 537,
"limit": 4.71,
"bookmakerMarketId": "1011497",
"bookmakerOutcomeId": "4937...",
"meta": {
"back": [{ "price": 6.369, "size": 30.0 }],
"lay": [{ "price": 100.0, "size": 15.0 }]
},
"marketActive": true,
"changedAt": 1766939876376
}
}
}
},
"ts": 1766939876700,
"entryId": "1766939876700-653"
}""",
    "papi-scores": """{
"channel": "scores",
"type": "UPDATE",
"payload": {
"fixtureId": "id1500025662664057",
"scores": {
"result": {
"period": "result",
"participant1Score": 2,
"participant2Score": 1,
"updatedAt": "2025-12-28T16:24:11.426852+00:00"
}
}
},
"ts": 1766939805321,
"entryId": "1766939805321-3077"
}""",
    "papi-scores-periods": """{
"channel": "scores",
"type": "UPDATE",
"payload": {
"fixtureId": "id2503637767171366",
"scores": {
"p1": {
"period": "p1",
"participant1Score": 7,
"participant2Score": 6,
"updatedAt": "2025-12-28T16:34:02.865934+00:00"
},
"result": {
"period": "result",
"participant1Score": 0,
"participant2Score": 0,
"updatedAt": "2025-12-28T16:32:18.616082+00:00"
}
}
},
"ts": 1766939642953,
"entryId": "1766939642953-1905"
}""",
    "papi-resume-complete": """{
"type": "resume_complete",
"serverEpoch": "0804ab61513c4681a3afd8afc1fb2f75"
}""",
    "papi-snapshot-required": """{
"type": "snapshot_required",
"reason": "resume_window_exceeded",
"channels": ["scores"],
"serverEpoch": "0804ab61513c4681a3afd8afc1fb2f75",
"resumeWindowMs": 3000,
"serverEntryIds": {
"scores": "1766418738000-220"
}
}""",
}

BUILT: dict[str, object] = {
    # The docs print no full example of these: built from the fields the docs and NOTES.md list.
    "fixture-results": {
        "data": {
            "fixture_id": "B176303C982E",
            "is_live": True,
            "score": {
                "scores": {"home": {"total": 54}, "away": {"total": 49}},
                "in_play": {"period": "3"},
                "home": {"total": 54},
                "away": {"total": 49},
                "period": "3",
            },
            "player_results": [],
        },
        "entry_id": "1722523617827-0",
    },
    "oddsstream-row": {
        "bookmaker": "Pinnacle",
        "match_name": "Arsenal vs Chelsea",
        "competition": "EPL",
        "sport": "Soccer",
        "market_type": "1x2",
        "period": 0,
        "is_live": False,
        "odds": {"Arsenal": 2.1, "Draw": 3.4, "Chelsea": 3.6},
        "match_date": "2026-12-05T15:00:00+00:00",
        "scraped_at": "2026-12-02T05:00:00+00:00",
        "url": "https://pinnacle.example/event/arsenal-chelsea",
        "liquidity": 5000.0,
    },
    # The docs say only "one message per selection change": a row of its own, or one selection and its price.
    "oddsstream-message-row": {
        "type": "odds",
        "bookmaker": "Pinnacle",
        "match_name": "Arsenal vs Chelsea",
        "competition": "EPL",
        "sport": "Soccer",
        "market_type": "1x2",
        "period": 0,
        "is_live": True,
        "odds": {"Draw": 3.4},
        "match_date": "2026-12-05T15:00:00+00:00",
        "scraped_at": "2026-12-02T05:00:00+00:00",
    },
    "oddsstream-message": {
        "type": "odds",
        "bookmaker": "Pinnacle",
        "match_name": "Arsenal vs Chelsea",
        "competition": "EPL",
        "sport": "Soccer",
        "market_type": "1x2",
        "period": 0,
        "is_live": True,
        "selection": "Draw",
        "odds": 3.4,
        "match_date": "2026-12-05T15:00:00+00:00",
        "scraped_at": "2026-12-02T05:00:00+00:00",
    },
}
