"""The OddsPapi docs' own example frames, verbatim (tests/contract/oddspapi/ holds the same text).

The simulator sends them, as they are, at the start of some fresh connections. A test checks that
each string here equals its file under tests/contract/oddspapi/.
"""

EXAMPLE_FRAMES: dict[str, str] = {
    "channel-odds-traditional": (
        "{\n"
        '"channel": "odds",\n'
        '"type": "UPDATE",\n'
        '"payload": {\n'
        '"fixtureId": "id1100013262924543",\n'
        '"odds": {\n'
        '"stake": {\n'
        '"id1100013262924543:stake:111:0": {\n'
        '"bookmaker": "stake",\n'
        '"outcomeId": 111,\n'
        '"playerId": 0,\n'
        '"active": true,\n'
        '"price": 1.91,\n'
        '"marketActive": true,\n'
        '"mainLine": true,\n'
        '"changedAt": 1766427330098\n'
        "}\n"
        "}\n"
        "}\n"
        "},\n"
        '"ts": 1766427330257,\n'
        '"entryId": "1766427330257-84805"\n'
        "}\n"
    ),
    "channel-odds-prediction-market": (
        "{\n"
        '"channel": "odds",\n'
        '"type": "UPDATE",\n'
        '"payload": {\n'
        '"fixtureId": "id1100064864029581",\n'
        '"odds": {\n'
        '"polymarket": {\n'
        '"id1100064864029581:polymarket:112:0": {\n'
        '"bookmaker": "polymarket",\n'
        '"outcomeId": 112,\n'
        '"playerId": 0,\n'
        '"active": true,\n'
        '"price": 6.369,\n'
        '"priceAmerican": 537,\n'
        '"limit": 4.71,\n'
        '"bookmakerMarketId": "1011497",\n'
        '"bookmakerOutcomeId": "4937...",\n'
        '"meta": {\n'
        '"back": [{ "price": 6.369, "size": 30.0 }],\n'
        '"lay": [{ "price": 100.0, "size": 15.0 }]\n'
        "},\n"
        '"marketActive": true,\n'
        '"changedAt": 1766939876376\n'
        "}\n"
        "}\n"
        "}\n"
        "},\n"
        '"ts": 1766939876700,\n'
        '"entryId": "1766939876700-653"\n'
        "}\n"
    ),
    "channel-fixtures": (
        "{\n"
        '"channel": "fixtures",\n'
        '"type": "UPDATE",\n'
        '"payload": {\n'
        '"fixtureId": "id1000046363014481",\n'
        '"status": {\n'
        '"live": true,\n'
        '"statusId": 1,\n'
        '"statusName": "Live"\n'
        "},\n"
        '"sport": {\n'
        '"sportId": 10,\n'
        '"sportName": "Soccer"\n'
        "},\n"
        '"tournament": {\n'
        '"tournamentId": 463,\n'
        '"tournamentName": "AFC Champions League Elite",\n'
        '"categoryName": "International Clubs"\n'
        "},\n"
        '"season": {\n'
        '"seasonId": 131657,\n'
        '"seasonName": "AFC Champions League Elite 25/26"\n'
        "},\n"
        '"startTime": 1766427300,\n'
        '"trueStartTime": "2025-12-22T18:15:38.441757+00:00",\n'
        '"trueEndTime": null,\n'
        '"participants": {\n'
        '"participant1Id": 61532,\n'
        '"participant1RotNr": null,\n'
        '"participant1Name": "Al Shorta SC",\n'
        '"participant1Abbr": null,\n'
        '"participant2Id": 34469,\n'
        '"participant2RotNr": null,\n'
        '"participant2Name": "Al Ahli Saudi FC",\n'
        '"participant2Abbr": null\n'
        "},\n"
        '"scores": {},\n'
        '"expectedPeriods": null,\n'
        '"periodLength": null,\n'
        '"externalProviders": {\n'
        '"betgeniusId": 12860147,\n'
        '"betradarId": 63014481,\n'
        '"flashscoreId": "hUsabPpR",\n'
        '"mollybetId": "2025-12-22,29690,26898",\n'
        '"oddinId": null,\n'
        '"opticoddsId": "20251222AF56C9CD",\n'
        '"pinnacleId": 1621307620,\n'
        '"sofascoreId": 14466133,\n'
        '"lsportsId": null,\n'
        '"txoddsId": null\n'
        "}\n"
        "},\n"
        '"ts": 1766427338743,\n'
        '"entryId": "1766427338743-4273"\n'
        "}\n"
    ),
    "channel-fixtures-scores-result": (
        "{\n"
        '"channel": "fixtures",\n'
        '"type": "UPDATE",\n'
        '"payload": {\n'
        '"fixtureId": "id1102138464027567",\n'
        '"status": {\n'
        '"live": false,\n'
        '"statusId": 0,\n'
        '"statusName": "Pre-Game"\n'
        "},\n"
        '"sport": {\n'
        '"sportId": 11,\n'
        '"sportName": "Basketball"\n'
        "},\n"
        '"tournament": {\n'
        '"tournamentId": 21384,\n'
        '"tournamentName": "NCAA Women, Regular Season",\n'
        '"categoryName": "USA"\n'
        "},\n"
        '"season": {\n'
        '"seasonId": 133208,\n'
        '"seasonName": "NCAA Women, Regular Season 25/26"\n'
        "},\n"
        '"startTime": 1766426400,\n'
        '"trueStartTime": "2025-12-22T18:03:13.535381+00:00",\n'
        '"trueEndTime": null,\n'
        '"participants": {\n'
        '"participant1Id": 347062,\n'
        '"participant1RotNr": null,\n'
        '"participant1Name": "Sam Houston State Bearkats",\n'
        '"participant1Abbr": null,\n'
        '"participant2Id": 346978,\n'
        '"participant2RotNr": null,\n'
        '"participant2Name": "Northern Colorado Bears",\n'
        '"participant2Abbr": null\n'
        "},\n"
        '"scores": {\n'
        '"result": {\n'
        '"period": "result",\n'
        '"participant1Score": 7,\n'
        '"participant2Score": 2,\n'
        '"updatedAt": "2025-12-22T18:12:16.755551+00:00"\n'
        "}\n"
        "},\n"
        '"expectedPeriods": null,\n'
        '"periodLength": null,\n'
        '"externalProviders": {\n'
        '"betgeniusId": null,\n'
        '"betradarId": 64027567,\n'
        '"flashscoreId": "lxgZJCUG",\n'
        '"mollybetId": null,\n'
        '"oddinId": null,\n'
        '"opticoddsId": null,\n'
        '"pinnacleId": null,\n'
        '"sofascoreId": null,\n'
        '"lsportsId": null,\n'
        '"txoddsId": null\n'
        "}\n"
        "},\n"
        '"ts": 1766427343630,\n'
        '"entryId": "1766427343630-4278"\n'
        "}\n"
    ),
    "channel-scores-result": (
        "{\n"
        '"channel": "scores",\n'
        '"type": "UPDATE",\n'
        '"payload": {\n'
        '"fixtureId": "id1500025662664057",\n'
        '"scores": {\n'
        '"result": {\n'
        '"period": "result",\n'
        '"participant1Score": 2,\n'
        '"participant2Score": 1,\n'
        '"updatedAt": "2025-12-28T16:24:11.426852+00:00"\n'
        "}\n"
        "}\n"
        "},\n"
        '"ts": 1766939805321,\n'
        '"entryId": "1766939805321-3077"\n'
        "}\n"
    ),
    "channel-scores-periods": (
        "{\n"
        '"channel": "scores",\n'
        '"type": "UPDATE",\n'
        '"payload": {\n'
        '"fixtureId": "id2503637767171366",\n'
        '"scores": {\n'
        '"p1": {\n'
        '"period": "p1",\n'
        '"participant1Score": 7,\n'
        '"participant2Score": 6,\n'
        '"updatedAt": "2025-12-28T16:34:02.865934+00:00"\n'
        "},\n"
        '"result": {\n'
        '"period": "result",\n'
        '"participant1Score": 0,\n'
        '"participant2Score": 0,\n'
        '"updatedAt": "2025-12-28T16:32:18.616082+00:00"\n'
        "}\n"
        "}\n"
        "},\n"
        '"ts": 1766939642953,\n'
        '"entryId": "1766939642953-1905"\n'
        "}\n"
    ),
    "channel-bookmakers": (
        "{\n"
        '"channel": "bookmakers",\n'
        '"type": "UPDATE",\n'
        '"payload": {\n'
        '"fixtureId": "id1500026861811720",\n'
        '"bookmakers": {\n'
        '"stake": {\n'
        '"bookmaker": "stake",\n'
        '"bookmakerFixtureId": "46137681-avtomobilist-yekaterinburg-hc-lada-togliatti",\n'
        '"fixturePath": null,\n'
        '"hasOdds": true,\n'
        '"staleOdds": false,\n'
        '"suspended": false,\n'
        '"participantsRotated": false,\n'
        '"meta": null,\n'
        '"updatedAt": "2025-12-28T18:37:13.719926+00:00"\n'
        "}\n"
        "}\n"
        "},\n"
        '"ts": 1766947033889,\n'
        '"entryId": "1766947033889-1"\n'
        "}\n"
    ),
}
