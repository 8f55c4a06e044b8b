// A local certificate for the gateway's https listener (docs/https.md): a private CA made for this data
// folder and a server certificate it signs for localhost and 127.0.0.1. Clients trust the CA file
// (REQUESTS_CA_BUNDLE, SSL_CERT_FILE, NODE_EXTRA_CA_CERTS). The CA's key is thrown away once the server
// certificate is signed, so nothing else can ever be signed with it.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generate } from 'selfsigned';

export interface LocalCertificate {
  /** the server certificate followed by the CA's (PEM): TLS_CERT_FILE */
  certFile: string;
  /** the server's private key (PEM): TLS_KEY_FILE */
  keyFile: string;
  /** the CA certificate clients trust (PEM) */
  caFile: string;
}

const DAYS = 365;
/** made again when it has less than this left, so a running platform never meets an expired one */
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

export function certificateFiles(dir: string): LocalCertificate {
  return { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), caFile: join(dir, 'ca.pem') };
}

/** The certificate in `dir`, made on first use (or when it is about to expire). */
export async function localCertificate(dir: string): Promise<LocalCertificate> {
  const files = certificateFiles(dir);
  if (usable(files)) return files;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  // Made in a folder of its own and renamed into place: two starts at once never mix their files.
  const draft = mkdtempSync(`${dir}.draft-`);
  const made = certificateFiles(draft);
  const notBeforeDate = new Date(Date.now() - 3600_000); // a clock slightly behind still accepts it
  const notAfterDate = new Date(notBeforeDate.getTime() + DAYS * 24 * 3600 * 1000);
  const common = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate } as const;
  const ca = await generate([{ name: 'commonName', value: 'daas-platform local CA' }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  writeFileSync(made.caFile, ca.cert);
  writeFileSync(made.certFile, `${server.cert.trim()}\n${ca.cert.trim()}\n`);
  writeFileSync(made.keyFile, server.private, { mode: 0o600 });
  try {
    renameSync(draft, dir);
  } catch {
    rmSync(draft, { recursive: true, force: true }); // another start put its own in place first
  }
  return files;
}

function usable(files: LocalCertificate): boolean {
  if (![files.certFile, files.keyFile, files.caFile].every((f) => existsSync(f))) return false;
  try {
    const cert = new X509Certificate(readFileSync(files.certFile));
    return (
      Date.parse(cert.validTo) - Date.now() > RENEW_BEFORE_MS && cert.checkHost('localhost') !== undefined
    );
  } catch {
    return false;
  }
}
