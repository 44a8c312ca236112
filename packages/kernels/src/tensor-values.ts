import * as tf from "@tensorflow/tfjs";

/** The part of tfjs-backend-wasm's backend read here: its tensors live in the wasm module's heap. */
interface WasmHeapBackend {
  dataIdMap: { has(dataId: object): boolean };
  typedArrayFromHeap(info: { shape: number[]; dtype: tf.DataType; dataId: object }): Float32Array;
}

function wasmHeapBackend(): WasmHeapBackend | null {
  if (tf.getBackend() !== "wasm") return null;
  const backend = tf.backend() as unknown as Partial<WasmHeapBackend>;
  return typeof backend.typedArrayFromHeap === "function" && backend.dataIdMap !== undefined ? (backend as WasmHeapBackend) : null;
}

/**
 * A float32 tensor's values for a kernel call. On wasm, a view of the wasm heap: no copy (dataSync copies
 * megabytes a batch and loads the garbage collector), but valid only until the next tfjs allocation or
 * the tensor's disposal, so read right before the synchronous call that uses it. Elsewhere, a copy.
 */
export function readValues(t: tf.Tensor): Float32Array {
  const backend = wasmHeapBackend();
  if (backend !== null && t.dtype === "float32" && backend.dataIdMap.has(t.dataId)) {
    return backend.typedArrayFromHeap({ shape: t.shape, dtype: t.dtype, dataId: t.dataId });
  }
  return t.dataSync() as Float32Array;
}
