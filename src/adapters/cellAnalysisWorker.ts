/**
 * The worker thread behind CellAnalysisWorkerPool (bundled on its own as dist/cellAnalysisWorker.js).
 * It runs the core's own `analyzeCell`, so an answer from here is the in-process answer; only the
 * thread that spends the CPU time changes.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeCell } from '../core/analysis/cellAnalysis';
import type { AnalysisJob, AnalysisReply } from './cellAnalysisPool';

const port = parentPort;
if (!port) throw new Error('cellAnalysisWorker must run in a worker thread');

port.on('message', (job: AnalysisJob) => {
  let reply: AnalysisReply;
  try {
    reply = { id: job.id, results: job.sources.map(analyzeCell) };
  } catch (e) {
    reply = { id: job.id, error: (e as Error)?.message ?? String(e) };
  }
  port.postMessage(reply);
});
