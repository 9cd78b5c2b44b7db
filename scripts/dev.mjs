// `npm run dev`: the runtime on :3000 restarting on change (node --watch) and the studio's vite
// dev server on :5173 with hot reload, proxying /api to the runtime. Ctrl+C stops both.
import { spawn } from 'node:child_process';

const children = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'runtime/src/main.ts'], { stdio: 'inherit', env: { ...process.env, PORT: process.env.PORT ?? '3000' } }),
  spawn('npm', ['run', 'dev', '-w', '@pipewright/studio'], { stdio: 'inherit', env: { ...process.env, PIPEWRIGHT_RUNTIME_URL: `http://127.0.0.1:${process.env.PORT ?? '3000'}` } }),
];
console.log('Studio with hot reload: http://127.0.0.1:5173/ (API on the runtime, restarted on change)');
const stop = () => {
  for (const child of children) child.kill('SIGINT');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => {
  stop();
  process.exitCode = code ?? 0;
});
