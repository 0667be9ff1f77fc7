/** Fails fast when npm scripts run on another Node than the project's own Node 24. */
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `Tributary needs Node 24; this is ${process.version} at ${process.execPath}. Run "npm install" so the project's own Node 24 is installed.\n`,
  );
  process.exit(1);
}
