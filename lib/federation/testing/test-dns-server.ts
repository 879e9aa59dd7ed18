// A real DNS server on loopback for tests (dns2 over UDP): serves A, AAAA, CNAME and SRV from
// a zone that can change at run time, follows CNAMEs in A/AAAA answers as a recursive
// resolver would, answers NXDOMAIN for unknown names and NOERROR/no data for known names
// without the asked type. Point FEDERATION_DNS_SERVERS (or dnsFor) at `address`.
import dns2 from "dns2";

const { Packet } = dns2;

export type TestSrvRecord = { priority: number; weight: number; port: number; target: string };
export type TestZone = {
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
  cname?: Record<string, string>;
  srv?: Record<string, TestSrvRecord[]>;
};

export type TestDnsServer = {
  /** "127.0.0.1:<port>", as FEDERATION_DNS_SERVERS takes it. */
  address: string;
  zone: TestZone;
  /** Every question asked, "TYPE name". */
  queries: string[];
  close(): Promise<void>;
};

const TYPE_NAMES: Record<number, string> = { 1: "A", 5: "CNAME", 28: "AAAA", 33: "SRV" };

function known(zone: TestZone, name: string): boolean {
  return [zone.a, zone.aaaa, zone.cname, zone.srv].some((records) => records?.[name] !== undefined);
}

export async function startTestDnsServer(zone: TestZone): Promise<TestDnsServer> {
  const queries: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question.name.toLowerCase().replace(/\.$/, "");
      const type = question.type;
      queries.push(`${TYPE_NAMES[type] ?? type} ${name}`);
      const base = { class: Packet.CLASS.IN, ttl: 60 };
      // @types/dns2 types answers as decoded Resources (with toBuffer); plain records encode fine.
      const answer = (record: Record<string, unknown>) =>
        response.answers.push(record as unknown as (typeof response.answers)[number]);
      if (!known(zone, name)) {
        response.header.rcode = Packet.RCODE.NXDOMAIN;
        return send(response);
      }
      if (type === Packet.TYPE.SRV) {
        for (const r of zone.srv?.[name] ?? []) answer({ ...base, name, type, ...r });
        return send(response);
      }
      // CNAME: the record itself; A/AAAA: the chain, then the addresses at its end.
      let current = name;
      for (let hops = 0; zone.cname?.[current] !== undefined && hops < 8; hops++) {
        const target = zone.cname[current];
        answer({ ...base, name: current, type: Packet.TYPE.CNAME, domain: target });
        current = target;
        if (type === Packet.TYPE.CNAME) return send(response);
      }
      const addresses =
        type === Packet.TYPE.A ? zone.a?.[current] : type === Packet.TYPE.AAAA ? zone.aaaa?.[current] : undefined;
      for (const address of addresses ?? []) answer({ ...base, name: current, type, address });
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: "127.0.0.1" } });
  const port = server.addresses().udp?.port;
  if (port === undefined) throw new Error("the test DNS server did not bind a UDP port");
  return { address: `127.0.0.1:${port}`, zone, queries, close: () => server.close() };
}
