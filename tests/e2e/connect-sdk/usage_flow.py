"""Connect's stock Python SDK (unmodified) through a usage report: template, create, upload XLSX (multipart
`usage_file`), poll, submit, accept, close. Run by tests/e2e/rest-python-sdk.test.ts; input is one JSON
object on stdin, what the SDK saw one JSON object on stdout.
"""

import json
import sys
import time

import requests
from connect.client import ClientError, ConnectClient

cfg = json.load(sys.stdin)
endpoint = cfg['endpoint']
vendor = ConnectClient(f"ApiKey {cfg['vendor']}", endpoint=endpoint)
distributor = ConnectClient(f"ApiKey {cfg['distributor']}", endpoint=endpoint)
out = {}

link = vendor.ns('usage').products[cfg['product']].action('template').get()['template_link']
template = requests.get(link, headers={'Authorization': f"ApiKey {cfg['vendor']}"}, timeout=60)
out['template'] = {'status': template.status_code, 'type': template.headers.get('Content-Type'),
                   'zip': template.content[:2] == b'PK'}

files = vendor.ns('usage').files
created = files.create(payload={
    'name': cfg['name'],
    'product': {'id': cfg['product']},
    'contract': {'id': cfg['contract']},
    'currency': 'USD',
    'period': {'from': f"{cfg['period']['from']} 00:00:00", 'to': f"{cfg['period']['to']} 23:59:59"},
})
file_id = created['id']
out['created'] = {'id': file_id, 'status': created['status']}

with open(cfg['xlsx'], 'rb') as f:
    data = f.read()
uploaded = files[file_id].action('upload').post(
    files={'usage_file': ('usage.xlsx', data,
                          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')},
)
out['uploaded'] = uploaded['status']

deadline = time.time() + 120
while True:
    current = files[file_id].get()
    if current['status'] in ('ready', 'invalid') or time.time() > deadline:
        break
    time.sleep(0.5)
out['processed'] = {'status': current['status'], 'records': current['records']}
out['listed'] = [f['id'] for f in files.filter(status='ready', product__id=cfg['product']).all()]

out['submitted'] = files[file_id]('submit').post()['status']
try:
    files[file_id]('accept').post(payload={'acceptance_note': 'self'})
    out['vendor_accept'] = 'allowed'
except ClientError as e:
    out['vendor_accept'] = e.status_code
theirs = distributor.ns('usage').files[file_id]
out['accepted'] = theirs('accept').post(payload={'acceptance_note': 'ok'})['status']
out['closed'] = theirs('close').post()['status']
print(json.dumps(out))
