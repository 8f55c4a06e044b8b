"""Connect's stock Python SDK (connect-openapi-client, unmodified) against the platform's REST API.

Run by tests/e2e/rest-python-sdk.test.ts with the venv of tools/connect-sdk. Input is one JSON object on
stdin; what the SDK saw is printed as one JSON object on stdout, and the test checks it against GraphQL.
"""

import json
import sys

from connect.client import ClientError, ConnectClient, R

cfg = json.load(sys.stdin)
endpoint = cfg['endpoint']
vendor = ConnectClient(f"ApiKey {cfg['vendor']}", endpoint=endpoint)
distributor = ConnectClient(f"ApiKey {cfg['distributor']}", endpoint=endpoint)
product = cfg['product']
out = {}

# The distributor places a purchase, the customer inline, as Connect integrations do.
created = distributor.requests.create(
    payload={
        'type': 'purchase',
        'marketplace': {'id': cfg['marketplace']},
        'asset': {
            'external_uid': cfg['uid'],
            'external_id': cfg['uid'],
            'product': {'id': product['id']},
            'items': [
                {'id': i['id']} if i['type'] == 'PPU' else {'id': i['id'], 'quantity': 3}
                for i in product['items']
            ],
            'params': [{'id': p['name'], 'value': p['value']} for p in product['ordering']],
            'tiers': {'customer': {'name': 'SDK customer', 'external_id': cfg['uid']}},
        },
    },
)
request_id = created['id']
out['created'] = {'id': request_id, 'status': created['status'], 'asset': created['asset']['id']}

# The vendor lists pending purchases of its product with R() filters.
pending = vendor.requests.filter(
    R().status.eq('pending') & R().type.eq('purchase') & R().asset.product.id.eq(product['id'])
)
out['pending_ids'] = [r['id'] for r in pending]
out['pending_count'] = pending.count()
out['pending_first'] = pending.first()['id']

# Paging through the client's own iteration: one request a page.
out['iterated_ids'] = [r['id'] for r in vendor.requests.all().limit(1)]
out['all_count'] = vendor.requests.all().count()

# A value error and an inquiry; the distributor fixes the value; the vendor fills in and approves.
first = product['ordering'][0]
vendor.requests[request_id].update(
    payload={'asset': {'params': [{'id': first['name'], 'value_error': 'please check'}]}},
)
out['inquired'] = vendor.requests[request_id]('inquire').post()['status']
out['answered'] = distributor.requests[request_id].update(
    payload={'asset': {'params': [{'id': first['name'], 'value': first['value']}]}},
)['status']
if product['fulfillment']:
    vendor.requests[request_id].update(
        payload={'asset': {'params': [{'id': p['name'], 'value': p['value']} for p in product['fulfillment']]}},
    )

# The buyer may not approve: the SDK raises ClientError from Connect's error shape.
try:
    distributor.requests[request_id]('approve').post({'template_id': product['template']})
    out['buyer_approve'] = 'accepted'
except ClientError as e:
    out['buyer_approve'] = {'status': e.status_code, 'code': e.error_code, 'text': str(e)}

approved = vendor.requests[request_id]('approve').post({'template_id': product['template']})
out['approved'] = {'status': approved['status'], 'template': approved['template']}
out['asset_status'] = vendor.assets[created['asset']['id']].get()['status']
out['exists'] = vendor.requests['PR-0000-0000-0000-001'].exists()

print(json.dumps(out))
