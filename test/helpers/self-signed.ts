// A self-signed certificate made with openssl for a test's TLS server: key.pem and cert.pem in
// `folder`, valid for a day, for `subjectAltName` (e.g. `IP:127.0.0.1`, `DNS:db.example`).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function makeSelfSignedCertificate(
  folder: string,
  commonName: string,
  subjectAltName: string,
): { keyFile: string; certFile: string } {
  const keyFile = join(folder, 'key.pem');
  const certFile = join(folder, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      `subjectAltName=${subjectAltName}`,
    ],
    { stdio: 'ignore' },
  );
  return { keyFile, certFile };
}
