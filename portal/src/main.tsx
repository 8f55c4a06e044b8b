// The portal: Mantine's components, urql on the gateway it is served from, hash routes (the gateway serves
// one index.html at /portal/, so every screen is addressable without server-side routes).
import '@mantine/core/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

const theme = createTheme({
  primaryColor: 'indigo',
  // System fonts only: nothing is fetched from outside the gateway.
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
});

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      <App />
    </MantineProvider>
  </StrictMode>,
);
