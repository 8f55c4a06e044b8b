"""Approves every purchase that becomes pending with the template the environment variable
TEMPLATE_ID names, after writing a license key into the fulfillment parameter `license_key` when the
product has one.

Two hooks exist for the platform's end-to-end test (tests/e2e/extension-runner.test.ts), both off
unless the runner's process has AUTO_APPROVE_JOURNAL set (a file this extension appends one JSON
line to per step):
  - a purchase whose `tenant_name` starts with "hold" is held (never answered) on its first delivery:
    the test kills the runner then;
  - one whose `tenant_name` starts with "later" is rescheduled (30 s) on its first delivery.
"""
import json
import os
import time

from connect.eaas.core.decorators import event, variables
from connect.eaas.core.extension import EventsApplicationBase
from connect.eaas.core.responses import BackgroundResponse


@variables([{'name': 'TEMPLATE_ID', 'initial_value': 'TL-000-000-000', 'secure': False}])
class AutoApproveApplication(EventsApplicationBase):
    @event('asset_purchase_request_processing', statuses=['pending'])
    def handle_purchase(self, request):
        request_id = request['id']
        tenant = next(
            (p['value'] for p in request['asset']['params'] if p['id'] == 'tenant_name'),
            '',
        )
        first = not _journal_has(request_id, 'started')
        _journal(request_id, 'started')
        if first and tenant.startswith('hold'):
            while True:  # until the runner is killed
                time.sleep(1)
        if first and tenant.startswith('later'):
            _journal(request_id, 'rescheduled')
            return BackgroundResponse.reschedule(30)
        if any(p['id'] == 'license_key' for p in request['asset']['params']):
            # what the vendor's system would hand out, written back before the approval
            self.client.requests[request_id].update(
                {'asset': {'params': [{'id': 'license_key', 'value': f'LK-{request_id}'}]}},
            )
        self.client.requests[request_id]('approve').post(
            {'template_id': self.config['TEMPLATE_ID']},
        )
        _journal(request_id, 'approved')
        self.logger.info('approved %s', request_id)
        return BackgroundResponse.done()


def _journal(request_id, step):
    path = os.environ.get('AUTO_APPROVE_JOURNAL')
    if not path:
        return
    line = {'request': request_id, 'step': step, 'instance': os.environ.get('INSTANCE_ID')}
    with open(path, 'a') as f:
        f.write(json.dumps(line) + '\n')


def _journal_has(request_id, step):
    path = os.environ.get('AUTO_APPROVE_JOURNAL')
    if not path or not os.path.exists(path):
        return False
    with open(path) as f:
        return any(
            (entry['request'], entry['step']) == (request_id, step)
            for entry in map(json.loads, filter(None, f.read().splitlines()))
        )
