// The worker thread of `serve` (see worker-thread.ts): `work` in a thread of the same process.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from './logger.js';
import { runServe } from './run-server.js';
import { lowerThreadPriority } from './thread-nice.js';
import type { RunningServe } from './run-server.js';
import type {
  FromWorkerThread,
  ToWorkerThread,
  WorkerThreadData,
} from './worker-thread-protocol.js';

const port = parentPort!;
const { config, inFlight, prettyLogs, sqliteThreadShare } = workerData as WorkerThreadData;
const send = (message: FromWorkerThread) => port.postMessage(message);
const logger = createLogger({ level: config.logLevel, pretty: prettyLogs }).child({
  thread: 'worker',
});

// Before anything starts a thread (the store's append thread): they inherit this thread's value.
const nice = lowerThreadPriority(config.workerNice);
if ('nice' in nice) logger.debug({ nice: nice.nice }, 'worker thread priority lowered');
if ('failed' in nice)
  logger.warn({ reason: nice.failed }, 'could not lower the worker thread priority');

let running: RunningServe;
try {
  running = await runServe(config, {
    mode: 'work',
    logger,
    printBanner: () => {},
    // Yield to the main thread's requests as the in-process worker does.
    underLoad: () => Atomics.load(inFlight, 0) > 0,
    ...(sqliteThreadShare ? { sqliteThreadShare } : {}),
  });
} catch (error) {
  const { message, name } = error as Error;
  send({ type: 'start-failed', message, name });
  process.exit(1);
}

port.on('message', (message: ToWorkerThread) => {
  if (message.type === 'metrics') {
    void running.metrics().then((metrics) => send({ type: 'metrics', id: message.id, metrics }));
  } else if (message.type === 'close') {
    void running.close().then(() => {
      logger.flush(() => {
        send({ type: 'closed' });
        port.close();
      });
    });
  }
});
send({ type: 'ready' });
