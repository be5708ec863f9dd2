// Loaded with `node --import` by test/cli/records.test.ts: makes writeFileSync of a file whose name ends with
// $HORDESIM_TEST_ENOSPC fail as a full disk does (ENOSPC), to test the run's handling of it without filling one.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const target = process.env.HORDESIM_TEST_ENOSPC;
const original = fs.writeFileSync;
fs.writeFileSync = (path, ...rest) => {
  if (target && String(path).endsWith(target)) {
    const err = new Error(`ENOSPC: no space left on device, write`);
    Object.assign(err, { code: "ENOSPC", errno: -28, syscall: "write", path: String(path) });
    throw err;
  }
  return original(path, ...rest);
};
syncBuiltinESMExports();
