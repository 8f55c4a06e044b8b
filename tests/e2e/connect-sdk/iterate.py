"""Connect's stock Python SDK iterating a whole collection with its own paging (connect-openapi-client).

Run by tests/e2e/rest-python-sdk.test.ts. Input on stdin: endpoint, token, namespace, collection and a
filter; the SDK's own request logger (a documented ConnectClient option) records each page it asked for.
Output: the ids in the order iterated, the count() the SDK read from Content-Range, and the pages.
"""

import json
import sys

from connect.client import ConnectClient
from connect.client.logger import RequestLogger


class Pages(RequestLogger):
    def __init__(self):
        super().__init__()
        self.pages = []

    def log_request(self, method, url, kwargs):
        params = kwargs.get('params') or {}
        self.pages.append({'method': method.upper(), 'url': url, 'limit': params.get('limit'),
                           'offset': params.get('offset')})

    def log_response(self, response):
        pass


cfg = json.load(sys.stdin)
pages = Pages()
client = ConnectClient(f"ApiKey {cfg['token']}", endpoint=cfg['endpoint'], logger=pages)
collection = client.ns(cfg['namespace']).collection(cfg['collection'])
ids = [item['id'] for item in collection.filter(**cfg['filter'])]
iterated = list(pages.pages)
count = collection.filter(**cfg['filter']).count()
print(json.dumps({'ids': ids, 'pages': iterated, 'count': count}))
