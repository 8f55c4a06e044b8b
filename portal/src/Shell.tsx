// The signed-in frame: header with the account, its role and sign-out; a navigation per role (a drawer
// on a phone); the page of the current hash route.
import { AppShell, Badge, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Redirect, Route, Router, Switch, useRoute } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import type { AccountRole } from './generated/graphql.js';
import { Agreements } from './pages/Agreements.js';
import { AssetPage } from './pages/AssetPage.js';
import { Catalog } from './pages/Catalog.js';
import { ContractPage } from './pages/ContractPage.js';
import { Contracts } from './pages/Contracts.js';
import { Accounts, Hubs, Marketplaces } from './pages/Directory.js';
import { ListingRequests } from './pages/ListingRequests.js';
import { Orders } from './pages/Orders.js';
import { ProductPage } from './pages/ProductPage.js';
import { Products } from './pages/Products.js';
import { Purchase } from './pages/Purchase.js';
import { RequestPage } from './pages/RequestPage.js';
import { RequestQueue } from './pages/RequestQueue.js';
import { UsageFileNew } from './pages/UsageFileNew.js';
import { UsageFilePage } from './pages/UsageFilePage.js';
import { UsageFiles } from './pages/UsageFiles.js';
import { useSession } from './session-context.js';

interface NavEntry {
  href: string;
  label: string;
}

export function navFor(role: AccountRole): NavEntry[] {
  switch (role) {
    case 'VENDOR':
      return [
        { href: '/requests', label: 'Request queue' },
        { href: '/products', label: 'Products' },
        { href: '/listing-requests', label: 'Listing requests' },
        { href: '/usage', label: 'Usage files' },
        { href: '/contracts', label: 'Contracts' },
        { href: '/agreements', label: 'Agreements' },
      ];
    case 'DISTRIBUTOR':
    case 'RESELLER':
      return [
        { href: '/catalog', label: 'Catalog' },
        { href: '/orders', label: 'Orders and assets' },
        { href: '/requests', label: 'Requests' },
        ...(role === 'DISTRIBUTOR'
          ? [
              { href: '/usage', label: 'Usage files' },
              { href: '/listing-requests', label: 'Listing requests' },
            ]
          : []),
        { href: '/contracts', label: 'Contracts' },
        ...(role === 'DISTRIBUTOR' ? [{ href: '/agreements', label: 'Agreements' }] : []),
      ];
    case 'OPERATOR':
      return [
        { href: '/requests', label: 'All requests' },
        { href: '/accounts', label: 'Accounts' },
        { href: '/marketplaces', label: 'Marketplaces' },
        { href: '/hubs', label: 'Hubs' },
        { href: '/usage', label: 'Usage files' },
        { href: '/contracts', label: 'Contracts' },
      ];
  }
}

function NavItem({ entry, onClick }: { entry: NavEntry; onClick: () => void }) {
  const [active] = useRoute(`${entry.href}/*?`);
  return <NavLink component={Link} href={entry.href} label={entry.label} active={active} onClick={onClick} />;
}

export function Shell() {
  const session = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const nav = navFor(session.role);
  return (
    <Router hook={useHashLocation}>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
        padding="md"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
              <Title order={4} style={{ whiteSpace: 'nowrap' }}>
                DaaS portal
              </Title>
            </Group>
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" fw={500} data-testid="account-name" truncate visibleFrom="xs">
                {session.account.name}
              </Text>
              <Badge data-testid="account-role" variant="light">
                {session.role}
              </Badge>
              <Text size="xs" c="dimmed" visibleFrom="sm">
                {session.account.id}
              </Text>
              <Button variant="subtle" size="xs" onClick={session.signOut}>
                Sign out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" aria-label="Main">
          {nav.map((n) => (
            <NavItem key={n.href} entry={n} onClick={close} />
          ))}
        </AppShell.Navbar>
        <AppShell.Main>
          <Switch>
            <Route path="/requests" component={RequestQueue} />
            <Route path="/requests/:id">{(p) => <RequestPage id={p.id} />}</Route>
            <Route path="/catalog" component={Catalog} />
            <Route path="/purchase/:marketplace/:product">
              {(p) => <Purchase marketplace={p.marketplace} product={p.product} />}
            </Route>
            <Route path="/orders" component={Orders} />
            <Route path="/usage" component={UsageFiles} />
            <Route path="/contracts" component={Contracts} />
            <Route path="/contracts/:id">{(p) => <ContractPage id={p.id} />}</Route>
            <Route path="/agreements" component={Agreements} />
            <Route path="/products" component={Products} />
            <Route path="/products/:id">{(p) => <ProductPage id={p.id} />}</Route>
            <Route path="/listing-requests" component={ListingRequests} />
            <Route path="/accounts" component={Accounts} />
            <Route path="/marketplaces" component={Marketplaces} />
            <Route path="/hubs" component={Hubs} />
            <Route path="/usage/new" component={UsageFileNew} />
            <Route path="/usage/:id">{(p) => <UsageFilePage id={p.id} />}</Route>
            <Route path="/orders/:id">{(p) => <AssetPage id={p.id} />}</Route>
            <Route>
              <Redirect to={nav[0]?.href ?? '/requests'} />
            </Route>
          </Switch>
        </AppShell.Main>
      </AppShell>
    </Router>
  );
}
