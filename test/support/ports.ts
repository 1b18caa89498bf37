/** A loopback port nothing listens on now: bound, then closed (a dead endpoint, or a port to give a server). */
import { createServer } from "node:net";

export async function unusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(0, "127.0.0.1", resolve);
  });
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
