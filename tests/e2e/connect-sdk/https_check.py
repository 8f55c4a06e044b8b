"""Connect's stock Python SDK over https, trusting the platform's CA through REQUESTS_CA_BUNDLE.

Run by tests/e2e/https.test.ts. Input (stdin, JSON): endpoint and token. Output (stdout, JSON): what the
SDK read, or the error class and message when the call failed (a certificate it did not trust).
"""

import json
import sys

from connect.client import ConnectClient

cfg = json.load(sys.stdin)
client = ConnectClient(f"ApiKey {cfg['token']}", endpoint=cfg['endpoint'], max_retries=0)
try:
    first = client.accounts.all().first()
    out = {'account': first['id'], 'accounts': client.accounts.all().count()}
except Exception as e:  # noqa: BLE001 - the test reads what failed
    out = {'error': type(e).__name__, 'message': f'{e} {e.__cause__!r}'[:1000]}
print(json.dumps(out))
