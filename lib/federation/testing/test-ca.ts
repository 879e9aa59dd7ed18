// A throwaway certificate authority made at run time, for tests and the demo: nothing
// secret is committed, and each run trusts only its own CA (FEDERATION_CA_FILE / opts.ca).
// Keys come from Node's native crypto (fast); node-forge only assembles and signs the
// certificates, which it does in pure JS.
import { generateKeyPair, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import forge from "node-forge";

const generateKeyPairAsync = promisify(generateKeyPair);
const DAY_MS = 86_400_000;

export type CertificateRequest = {
  commonName: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore?: Date;
  notAfter?: Date;
};

/** PEM strings ready for tls.createServer({ cert, key }). */
export type IssuedCertificate = { certPem: string; keyPem: string };

export type TestCa = {
  caPem: string;
  issue(request: CertificateRequest): Promise<IssuedCertificate>;
};

type PemKeyPair = { publicPem: string; privatePem: string };

async function rsaKeys(): Promise<PemKeyPair> {
  const { publicKey, privateKey } = await generateKeyPairAsync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { publicPem: publicKey, privatePem: privateKey };
}

// Random positive serials (high bit clear) so certificates of one run never look alike.
function serial(): string {
  const bytes = randomBytes(12);
  bytes[0] &= 0x7f;
  return bytes.toString("hex");
}

export async function createTestCa(name = "Federation Console Test CA"): Promise<TestCa> {
  const caKeys = await rsaKeys();
  const caSigningKey = forge.pki.privateKeyFromPem(caKeys.privatePem);
  const caName = [{ name: "commonName", value: name }];
  const now = Date.now();

  const caCert = forge.pki.createCertificate();
  caCert.serialNumber = serial();
  caCert.publicKey = forge.pki.publicKeyFromPem(caKeys.publicPem);
  caCert.validity.notBefore = new Date(now - DAY_MS);
  caCert.validity.notAfter = new Date(now + 30 * DAY_MS);
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(caSigningKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(caCert),
    async issue(request: CertificateRequest): Promise<IssuedCertificate> {
      const keys = await rsaKeys();
      const cert = forge.pki.createCertificate();
      cert.serialNumber = serial();
      cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
      cert.validity.notBefore = request.notBefore ?? new Date(now - DAY_MS);
      cert.validity.notAfter = request.notAfter ?? new Date(now + 30 * DAY_MS);
      cert.setSubject([{ name: "commonName", value: request.commonName }]);
      cert.setIssuer(caName);
      // GeneralName types: 2 = dNSName, 7 = iPAddress (forge encodes v4 and v6).
      const altNames = [
        ...(request.dnsNames ?? []).map((value) => ({ type: 2, value })),
        ...(request.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
      ];
      cert.setExtensions([
        { name: "basicConstraints", cA: false, critical: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames },
        { name: "subjectKeyIdentifier" },
      ]);
      cert.sign(caSigningKey, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
    },
  };
}

/** A certificate signed by its own key (issuer = subject), trusted by nobody. */
export async function selfSignedCertificate(request: CertificateRequest): Promise<IssuedCertificate> {
  const keys = await rsaKeys();
  const signingKey = forge.pki.privateKeyFromPem(keys.privatePem);
  const now = Date.now();
  const cert = forge.pki.createCertificate();
  cert.serialNumber = serial();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  cert.validity.notBefore = request.notBefore ?? new Date(now - DAY_MS);
  cert.validity.notAfter = request.notAfter ?? new Date(now + 30 * DAY_MS);
  const subject = [{ name: "commonName", value: request.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    {
      name: "subjectAltName",
      altNames: [
        ...(request.dnsNames ?? []).map((value) => ({ type: 2, value })),
        ...(request.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
      ],
    },
  ]);
  cert.sign(signingKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

/** The certificate set the fake fleet serves. */
export type FleetCertificates = {
  caPem: string;
  /** localhost, 127.0.0.1 and ::1 (and the extra DNS names asked for). */
  valid: IssuedCertificate;
  /** Same names, validity ended yesterday. */
  expired: IssuedCertificate;
  /** Valid and trusted, but only for a name we never connect to. */
  wrongName: IssuedCertificate;
  /** Same names as valid, expiring in 3 days. */
  expiringSoon: IssuedCertificate;
  /** Same names as valid, self-signed. */
  selfSigned: IssuedCertificate;
};

/** `extraDnsNames`: names served through a test DNS server too, e.g. "*.fed.test". */
export async function createFleetCertificates(ca?: TestCa, extraDnsNames: string[] = []): Promise<FleetCertificates> {
  const authority = ca ?? (await createTestCa());
  const loopback = { dnsNames: ["localhost", ...extraDnsNames], ipAddresses: ["127.0.0.1", "::1"] };
  const now = Date.now();
  const [valid, expired, wrongName, expiringSoon, selfSigned] = await Promise.all([
    authority.issue({ commonName: "localhost", ...loopback }),
    authority.issue({
      commonName: "localhost",
      ...loopback,
      notBefore: new Date(now - 10 * DAY_MS),
      notAfter: new Date(now - DAY_MS),
    }),
    authority.issue({ commonName: "wrong.example", dnsNames: ["wrong.example"] }),
    // Half a day past 3 days, so "3 days" holds for the length of any test run.
    authority.issue({ commonName: "localhost", ...loopback, notAfter: new Date(now + 3.5 * DAY_MS) }),
    selfSignedCertificate({ commonName: "localhost", ...loopback }),
  ]);
  return { caPem: authority.caPem, valid, expired, wrongName, expiringSoon, selfSigned };
}
