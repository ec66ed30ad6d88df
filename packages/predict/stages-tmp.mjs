// Main-thread stages of msc-predict on one table, CPU ms (process.cpuUsage: no other thread runs here).
import { readSeriesTable } from '@msc/tables';
import { addStudyContext, transform, featureRows, parseFeatureSpec, MODEL_METADATA } from "@msc/features";
import { predictionRows } from './dist/predict.js';
import onnxProto from 'onnx-proto';
import { readFileSync } from 'node:fs';
const bytes = readFileSync('../../models/prostate_mpmri.onnx');
const meta = Object.fromEntries(onnxProto.onnx.ModelProto.decode(bytes).metadataProps.map((e) => [e.key, e.value]));
const spec = parseFeatureSpec(meta[MODEL_METADATA.featureSpec]);
const { columnsRead } = await import('./dist/predict-files.js');
const columns = columnsRead([{ spec }]);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const out = {};
for (let round = 0; round < Number(process.argv[3] ?? 2); round++) {
  let t = cpu();
  const table = await readSeriesTable(process.argv[2], { columns });
  out.read = Math.round(cpu() - t); t = cpu();
  const { rows } = addStudyContext(table.rows);
  out.context = Math.round(cpu() - t); t = cpu();
  for (let s = 0; s < rows.length; s += 4096) transform(rows.slice(s, s + 4096), spec);
  out.transform = Math.round(cpu() - t); t = cpu();
  if (featureRows) { const f = featureRows(rows, spec, { merge: true }); for (let s = 0; s < f.distinct; s += 4096) f.matrix(s, Math.min(f.distinct, s + 4096)); out.merged = Math.round(cpu() - t); out.distinct = f.distinct; }
  console.log(JSON.stringify(out));
}
