// The small part of node-forge that test-ca.ts uses (the package ships no types, and the
// project adds exactly one package for the test CA).
declare module "node-forge" {
  interface ForgeKey {
    readonly n?: unknown;
  }
  interface DistinguishedNameField {
    name?: string;
    shortName?: string;
    value: string;
  }
  interface CertificateExtension {
    name: string;
    [option: string]: unknown;
  }
  interface MessageDigest {
    readonly algorithm: string;
  }
  interface Certificate {
    serialNumber: string;
    publicKey: ForgeKey;
    validity: { notBefore: Date; notAfter: Date };
    setSubject(attributes: DistinguishedNameField[]): void;
    setIssuer(attributes: DistinguishedNameField[]): void;
    setExtensions(extensions: CertificateExtension[]): void;
    sign(key: ForgeKey, digest: MessageDigest): void;
  }
  const forge: {
    pki: {
      createCertificate(): Certificate;
      publicKeyFromPem(pem: string): ForgeKey;
      privateKeyFromPem(pem: string): ForgeKey;
      certificateToPem(certificate: Certificate): string;
    };
    md: { sha256: { create(): MessageDigest } };
  };
  export default forge;
}
