/**
 * Test certificates made at test time with the `openssl` CLI (nothing downloaded, nothing kept):
 * a private CA, a valid and an expired server certificate signed by it, and a self-signed one.
 * All server certificates are for `localhost` and 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificates {
  caPem: string;
  /** Signed by the CA, valid for `validDays` days from now. */
  valid: { cert: string; key: string };
  /** Signed by the CA, expired on 2020-02-01. */
  expired: { cert: string; key: string };
  /** Self-signed (not signed by any CA), otherwise valid. */
  selfSigned: { cert: string; key: string };
}

const CA_CONFIG = `[ ca ]
default_ca = CA_default
[ CA_default ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
copy_extensions = copy
unique_subject = no
[ policy_any ]
commonName = supplied
`;

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const SAN = ['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'];

export function makeTestCertificates(validDays = 45): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'deep-healthcheck-certs-'));
  const run = (args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  try {
    writeFileSync(path.join(dir, 'ca.cnf'), CA_CONFIG);
    writeFileSync(path.join(dir, 'index.txt'), '');
    writeFileSync(path.join(dir, 'serial'), '01\n');
    run([
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '400',
      '-subj',
      '/CN=ops-sentinel test CA',
    ]);
    run([
      'req',
      '-new',
      ...EC_KEY,
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=localhost',
      ...SAN,
    ]);
    const sign = (out: string, dates: string[]) =>
      run([
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        '-cert',
        'ca.pem',
        '-keyfile',
        'ca.key',
        '-in',
        'server.csr',
        '-out',
        out,
        '-notext',
        ...dates,
      ]);
    sign('valid.pem', ['-days', String(validDays)]);
    sign('expired.pem', ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
    run([
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'self.key',
      '-out',
      'self.pem',
      '-days',
      '30',
      '-subj',
      '/CN=localhost',
      ...SAN,
    ]);
    const key = read('server.key');
    return {
      caPem: read('ca.pem'),
      valid: { cert: read('valid.pem'), key },
      expired: { cert: read('expired.pem'), key },
      selfSigned: { cert: read('self.pem'), key: read('self.key') },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
