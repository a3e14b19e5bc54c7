"""Edge variants of the fine-tuned model (07_edge_bench): merge, export, run, measure, serve.

- `variants`: the catalogue (name -> runtime, format, how it is made), one place for every name;
- `merge`: best LoRA adapter + base -> one fp32 transformers folder;
- `export`: that folder -> each variant's files (torch, ONNX Runtime, GGUF, onnxruntime-genai);
- `backends`: the small interface every runtime implements (load, generate, stream, score);
- `torch_int8`: torch's dynamic int8 of the Linear layers and its file (made by export, read by the torch backend);
- `bench`: the measurement (speed in a fresh process per variant, quality on the test split);
- `bench_stats`: what the measured passes amount to (spreads, speed-ups, agreement, bars, recommendation);
- `server`: an OpenAI-compatible server over any backend, the gateway's edge tier.
"""
