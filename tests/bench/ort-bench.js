// Times onnxruntime (npm onnxruntime-node, CPU) on a model, the reference
// for `mmfusion-model bench`.
// usage: node ort-bench.js MODEL RUNS NAME=D0xD1x... [NAME=...]
// ORT_THREADS=N: intra-op threads (default 1).
// Prints the same last line as mmfusion-model bench:
//   median_ms=... min_ms=... runs=N
'use strict';
const ort = require(process.env.ORT_MODULE || 'onnxruntime-node');

async function main() {
  const [model, runsArg, ...specs] = process.argv.slice(2);
  const runs = parseInt(runsArg, 10);
  const threads = parseInt(process.env.ORT_THREADS || '1', 10);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  // the same pseudo-random fill as mmfusion-model bench
  let state = 12345;
  const feeds = {};
  for (const spec of specs) {
    const [name, dims] = spec.split('=');
    const shape = dims.split('x').map(Number);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      data[i] = (state >>> 8) / 8388608.0 - 1.0;
    }
    feeds[name] = new ort.Tensor('float32', data, shape);
  }
  for (let i = 0; i < 5; i++) await session.run(feeds);
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const median = runs % 2 ? ms[(runs - 1) / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
  console.log(`median_ms=${median.toFixed(4)} min_ms=${ms[0].toFixed(4)} runs=${runs}`);
}

main().catch((e) => { console.error(`ort-bench: ${e.message}`); process.exit(1); });
