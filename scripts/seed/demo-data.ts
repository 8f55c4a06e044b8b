// The demo data set: fixed ids and tokens so the README can refer to them. Demo only: never seed a
// production database with these tokens (the start command seeds only when SEED_DEMO is not false).

export const DEMO_ACCOUNTS = [
  { id: 'OA-000-001', name: 'DaaS Platform Operations', role: 'OPERATOR' },
  { id: 'VA-100-001', name: 'Acme Software', role: 'VENDOR' },
  { id: 'VA-100-002', name: 'Umbrella Cloud', role: 'VENDOR' },
  { id: 'PA-200-001', name: 'Globex Distribution', role: 'DISTRIBUTOR' },
  { id: 'PA-300-001', name: 'Initech Resellers', role: 'RESELLER' },
  // the contract network's second distributor, two more resellers and a third vendor (scripts/seed/partners.ts)
  { id: 'PA-200-002', name: 'Hooli Distribution', role: 'DISTRIBUTOR' },
  { id: 'PA-300-002', name: 'Vandelay Resellers', role: 'RESELLER' },
  { id: 'PA-300-003', name: 'Soylent Retail', role: 'RESELLER' },
  { id: 'VA-100-003', name: 'Stark Storage', role: 'VENDOR' },
] as const;

export const DEMO_TOKENS = [
  { id: 'SU-000-000-001', account: 'OA-000-001', name: 'demo operator', secret: 'demo-operator-secret' },
  { id: 'SU-000-000-002', account: 'VA-100-001', name: 'demo vendor', secret: 'demo-vendor-secret' },
  {
    id: 'SU-000-000-003',
    account: 'PA-200-001',
    name: 'demo distributor',
    secret: 'demo-distributor-secret',
  },
  { id: 'SU-000-000-004', account: 'PA-300-001', name: 'demo reseller', secret: 'demo-reseller-secret' },
  { id: 'SU-000-000-005', account: 'VA-100-002', name: 'demo second vendor', secret: 'demo-vendor2-secret' },
  {
    id: 'SU-000-000-006',
    account: 'PA-200-002',
    name: 'demo second distributor',
    secret: 'demo-distributor2-secret',
  },
  {
    id: 'SU-000-000-007',
    account: 'PA-300-002',
    name: 'demo second reseller',
    secret: 'demo-reseller2-secret',
  },
  {
    id: 'SU-000-000-008',
    account: 'PA-300-003',
    name: 'demo third reseller',
    secret: 'demo-reseller3-secret',
  },
  { id: 'SU-000-000-009', account: 'VA-100-003', name: 'demo third vendor', secret: 'demo-vendor3-secret' },
] as const;

export const demoToken = (t: (typeof DEMO_TOKENS)[number]) => `${t.id}:${t.secret}`;

export const DEMO = {
  operator: demoToken(DEMO_TOKENS[0]),
  vendor: demoToken(DEMO_TOKENS[1]),
  distributor: demoToken(DEMO_TOKENS[2]),
  reseller: demoToken(DEMO_TOKENS[3]),
  vendor2: demoToken(DEMO_TOKENS[4]),
  distributor2: demoToken(DEMO_TOKENS[5]),
  reseller2: demoToken(DEMO_TOKENS[6]),
  reseller3: demoToken(DEMO_TOKENS[7]),
  vendor3: demoToken(DEMO_TOKENS[8]),
};
