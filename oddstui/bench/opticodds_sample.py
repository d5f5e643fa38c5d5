"""The OpticOdds SSE guide's Python consumer, as published (indentation restored), but for API_KEY and BASE_URL."""

# ruff: noqa
import requests
from requests.exceptions import ChunkedEncodingError
import json
import sseclient  # pip install sseclient-py
import time

API_KEY = "test-key"
BASE_URL = "https://api.opticodds.com/api/v3"


def stream_odds(
    sport,
    sportsbooks,
    leagues=None,
    markets=None,
    odds_format="AMERICAN",
    on_odds=None,
    on_locked=None,
    on_fixture_status=None,
):
    last_entry_id = None
    reconnect_delay = 1  # Start with 1 second

    while True:
        try:
            params = {
                "key": API_KEY,
                "sportsbook": sportsbooks,
                "odds_format": odds_format,
                "include_fixture_updates": "true",
            }
            if leagues:
                params["league"] = leagues
            if markets:
                params["market"] = markets
            if last_entry_id:
                params["last_entry_id"] = last_entry_id

            response = requests.get(
                f"{BASE_URL}/stream/odds/{sport}",
                params=params,
                stream=True,
            )

            if response.status_code != 200:
                print(f"HTTP {response.status_code}: {response.text}")
                time.sleep(reconnect_delay)
                reconnect_delay = min(reconnect_delay * 2, 60)
                continue

            # Reset reconnect delay on successful connection
            reconnect_delay = 1
            client = sseclient.SSEClient(response)

            for event in client.events():
                if event.event == "connected":
                    print("Connected to stream")
                elif event.event == "ping":
                    pass  # Keepalive, no action needed
                elif event.event == "odds":
                    data = json.loads(event.data)
                    last_entry_id = data.get("entry_id")
                    if on_odds:
                        on_odds(data)
                elif event.event == "locked-odds":
                    data = json.loads(event.data)
                    last_entry_id = data.get("entry_id")
                    if on_locked:
                        on_locked(data)
                elif event.event == "fixture-status":
                    data = json.loads(event.data)
                    last_entry_id = data.get("entry_id")
                    if on_fixture_status:
                        on_fixture_status(data)

        except ChunkedEncodingError:
            print("Disconnected, reconnecting...")
            time.sleep(reconnect_delay)
            reconnect_delay = min(reconnect_delay * 2, 60)
        except KeyboardInterrupt:
            print("Stream stopped by user")
            break
        except Exception as e:
            print(f"Error: {e}")
            time.sleep(reconnect_delay)
            reconnect_delay = min(reconnect_delay * 2, 60)
