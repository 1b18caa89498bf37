/**
 * danfojs for notebook readers who think in pandas. The browser build (`danfojs`, pure JS) is used
 * because `danfojs-node` cannot install offline (it downloads libtensorflow at install time).
 * tslab resolves modules like Node 10 and cannot see danfojs's `exports`-only type declarations,
 * hence the ts-ignore; under tsc and tsx the import is fully typed.
 */
// biome-ignore lint/suspicious/noTsIgnore: tsc sees danfojs's types (so @ts-expect-error would fail there); only tslab's Node-10 resolution needs this
// @ts-ignore
import * as dfd from "danfojs";
export default dfd;
export type DataFrame = InstanceType<typeof dfd.DataFrame>;
