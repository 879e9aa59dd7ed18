// The TLS context of outbound federation connections: the system's roots plus
// FEDERATION_CA_FILE. Building one with ~150 roots costs milliseconds, so there is one per
// distinct extra CA, shared by attempts and checks.
import tls from "node:tls";

const contexts = new Map<string, tls.SecureContext>();

/** undefined = Node's default context (system roots only). */
export function secureContext(ca: string | undefined): tls.SecureContext | undefined {
  if (ca === undefined || ca.trim() === "") return undefined;
  let context = contexts.get(ca);
  if (context === undefined) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, ca] });
    contexts.set(ca, context);
  }
  return context;
}
