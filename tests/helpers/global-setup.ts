/** The suite exercises the runtime the app ships (Node 24, as inside Electron 45). */
export default function setup(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) {
    throw new Error(
      `Tests need Node 24 (found ${process.versions.node}). Run: npm install --prefix ~/.cache/qd-node24 node@24 ` +
        '&& export PATH=~/.cache/qd-node24/node_modules/.bin:$PATH',
    );
  }
}
