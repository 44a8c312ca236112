import * as tf from "@tensorflow/tfjs";

/** The part of tfjs-backend-wasm's backend read here: its tensors live in the wasm module's heap. */
interface WasmHeapBackend {
  dataIdMap: { has(dataId: object): boolean };
  typedArrayFromHeap(info: { shape: number[]; dtype: tf.DataType; dataId: object }): Float32Array;
  makeOutput(shape: number[], dtype: "float32"): TensorInfo;
}

/** A tensor's identity in its backend, as tfjs' kernels return it. */
interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: "float32";
}

function wasmHeapBackend(): WasmHeapBackend | null {
  if (tf.getBackend() !== "wasm") return null;
  const backend = tf.backend() as unknown as Partial<WasmHeapBackend>;
  return typeof backend.typedArrayFromHeap === "function" && typeof backend.makeOutput === "function" && backend.dataIdMap !== undefined
    ? (backend as WasmHeapBackend)
    : null;
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

/** Output tensors for a kernel to write, and their values (zeroed). */
export interface KernelOutputs {
  /** The outputs' values, to pass to the kernel; read them after every input's `readValues`. */
  values: Float32Array[];
  /** The tensors, once the kernel has written `values`. */
  tensors(): tf.Tensor[];
}

/**
 * Outputs of `shapes` that a kernel writes in place. On wasm they are allocated in the wasm heap and
 * become tensors as they are, so a kernel's result is neither a fresh JS array (new pages faulted in,
 * then work for the garbage collector) nor copied into the heap afterwards. Allocate before reading any
 * input's values: an allocation may move the heap, which invalidates views taken before it.
 */
export function kernelOutputs(shapes: number[][], { zeroed = true }: { zeroed?: boolean } = {}): KernelOutputs {
  const backend = wasmHeapBackend();
  if (backend === null) {
    const values = shapes.map((shape) => new Float32Array(tf.util.sizeFromShape(shape)));
    return { values, tensors: () => values.map((v, i) => tf.tensor(v, shapes[i])) };
  }
  const infos = shapes.map((shape) => backend.makeOutput(shape, "float32"));
  // Heap memory comes uninitialised; kernels that accumulate expect zeros (`zeroed: false`: the caller writes every value).
  const values = infos.map((info) => (zeroed ? backend.typedArrayFromHeap(info).fill(0) : backend.typedArrayFromHeap(info)));
  return { values, tensors: () => infos.map((info) => tf.engine().makeTensorFromTensorInfo(info)) };
}
