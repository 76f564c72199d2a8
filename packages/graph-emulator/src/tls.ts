// An ephemeral self-signed certificate for 127.0.0.1 / localhost / ::1, made with `selfsigned`
// (no openssl binary). It is its own trust anchor: clients trust exactly this PEM (`--ca-cert`).
import { generate } from "selfsigned";

export interface Certificate {
  key: string;
  cert: string;
}

export async function generateCertificate(): Promise<Certificate> {
  const now = Date.now();
  const pems = await generate([{ name: "commonName", value: "roster Graph emulator" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 30 * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
