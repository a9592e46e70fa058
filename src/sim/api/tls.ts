// A throw-away CA and a server certificate for 127.0.0.1/localhost, made at start-up.
// Keys come from node:crypto (fast, native); node-forge only builds and signs the certificates.
import { generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type forgeNs from 'node-forge';

type Forge = typeof forgeNs;

/** PEM material for an HTTPS server and for kubeconfig's certificate-authority-data. */
export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

interface Pair {
  privateKey: KeyObject;
  publicKeyPem: string;
  keyPem: string;
}

let pairs: Promise<[Pair, Pair]> | undefined;

/**
 * RSA key generation costs ~0.3 s per key on a small machine, so one process reuses its two key
 * pairs for every playground it starts; certificates (and so the CA) are still new each time.
 */
function keyPairs(): Promise<[Pair, Pair]> {
  return (pairs ??= Promise.all([keyPair(), keyPair()]));
}

async function keyPair(): Promise<Pair> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyPem,
  };
}

/** forge's cert.sign(), with the RSA signature computed natively (forge's is ~10x slower). */
function signCert(forge: Forge, cert: forgeNs.pki.Certificate, key: KeyObject): void {
  const c = cert as forgeNs.pki.Certificate & {
    md: forgeNs.md.MessageDigest;
    signatureOid: string;
    tbsCertificate: forgeNs.asn1.Asn1;
    signature: string;
  };
  c.md = forge.md.sha256.create();
  c.signatureOid = c.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  c.tbsCertificate = (
    forge.pki as unknown as { getTBSCertificate(c: forgeNs.pki.Certificate): forgeNs.asn1.Asn1 }
  ).getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(c.tbsCertificate).getBytes(), 'binary');
  c.md.update(tbs.toString('binary'));
  c.signature = sign('sha256', tbs, key).toString('binary');
}

function serial(): string {
  // Positive, non-zero serial numbers (the top bit cleared).
  const b = randomBytes(16);
  b[0] &= 0x7f;
  b[0] |= 0x01;
  return b.toString('hex');
}

/** Generates a CA (valid 1 year) and a server cert with SANs IP 127.0.0.1 and DNS localhost. */
export async function generateTls(now = new Date()): Promise<TlsMaterial> {
  // node-forge is loaded only when a server actually starts.
  const forge: Forge = (await import('node-forge')).default;
  const [ca, srv] = await keyPairs();
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600_000);

  const caCert = forge.pki.createCertificate();
  caCert.publicKey = forge.pki.publicKeyFromPem(ca.publicKeyPem);
  caCert.serialNumber = serial();
  caCert.validity.notBefore = notBefore;
  caCert.validity.notAfter = notAfter;
  const caName = [{ name: 'commonName', value: 'bgctl-playground-ca' }];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signCert(forge, caCert, ca.privateKey);

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(srv.publicKeyPem);
  cert.serialNumber = serial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: 'bgctl-playground-apiserver' }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signCert(forge, cert, ca.privateKey);

  return { caPem: forge.pki.certificateToPem(caCert), certPem: forge.pki.certificateToPem(cert), keyPem: srv.keyPem };
}
