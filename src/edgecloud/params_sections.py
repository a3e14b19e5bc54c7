"""The sections of a run profile: one pydantic model per section of params/*.yaml, and the defaults they use.

data (+ its split sizes), model, train, eval, deploy (+ its cloud tier), e2e, publish (+ its rules) and
edge_bench, each with its checks of one section (a step count that no evaluation would reach, ports that
collide, a reply the gateway could not detect as a forward, ...). `Params` (edgecloud.params) holds one of
each; `DEFAULT_SYSTEM_PROMPT` and `DEFAULT_FORWARD_REPLY` are imported from there by most callers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from edgecloud.edge.variants import VARIANTS as _VARIANT_CATALOGUE
from edgecloud.paths import rel, resolve

# Short on purpose: SmolLM2's tokenizer spends 2-3 tokens per Chinese character, and every token of the
# system prompt is paid in every training example and every request (a long Chinese prompt alone
# filled 250 tokens and made ms-swift drop most records as over max_length).
DEFAULT_SYSTEM_PROMPT = (
    "You are an on-device assistant. Answer simple requests yourself, briefly, in the user's language. "
    "If a request needs complex reasoning (proofs, derivations, long analysis, multi-day plans, "
    "non-trivial code), reply only: [转发云端] forward to cloud."
)
# The reply starts with "[", a token of its own that no edge reply starts with: the routing decision is then
# the model's first reply token, whose probability every backend reports (swift deploy's top_logprobs
# included; the Chinese characters are byte pieces that it prints as "\ufffd"). See routing.routing_score.
DEFAULT_FORWARD_REPLY = "[转发云端] forward to cloud"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class SplitSizes(_Strict):
    """Exact split sizes; `train: rest` takes every accepted record not in valid/test."""

    train: int | Literal["rest"] = Field(400)
    valid: int = Field(50, ge=1)
    test: int = Field(50, ge=1)

    @field_validator("train")
    @classmethod
    def _train_positive(cls, v: int | str) -> int | str:
        if isinstance(v, int) and v < 1:
            raise ValueError("must be at least 1 (or 'rest')")
        return v

    def fixed_total(self) -> int:
        return (self.train if isinstance(self.train, int) else 0) + self.valid + self.test


class DataParams(_Strict):
    dataset_name: str = "edge_swift_v1"
    raw_files: list[str] = Field(default_factory=lambda: ["data/raw/edge_requests_v1.jsonl"], min_length=1)
    format: Literal["auto", "query_response", "alpaca", "sharegpt", "messages"] = "auto"
    split: SplitSizes = Field(default_factory=SplitSizes)
    max_chars: int = Field(1024, ge=16, description="a request or reply longer than this is rejected as too_long")
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    forward_reply: str = DEFAULT_FORWARD_REPLY

    @field_validator("forward_reply")
    @classmethod
    def _reply_is_detectable(cls, v: str) -> str:
        from edgecloud.routing import is_forward

        if not is_forward(v):
            raise ValueError(
                "the gateway could not detect this reply as a forward: start it with 转发云端 or 'forward to cloud'"
            )
        return v


class ModelParams(_Strict):
    source: Literal["embedded", "modelscope", "huggingface", "local"] = "embedded"
    id: str = "SmolLM2-135M-Instruct"
    path: str | None = None
    name: str = Field("smollm2-135m-instruct", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    model_type: str = "llama"
    template: str = "chatml"
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    torch_dtype: Literal["float32", "bfloat16", "float16", "auto"] = "float32"
    smoke_prompt: str = "What is the capital of France?"
    max_new_tokens: int = Field(48, ge=1, le=4096)

    @model_validator(mode="after")
    def _source_needs(self) -> "ModelParams":
        if self.source == "local" and not self.path:
            raise ValueError("model.source is 'local' but model.path is not set: give the model folder")
        return self


class TrainParams(_Strict):
    """Every ms-swift `sft` argument the run uses (03_train saves the exact command line)."""

    tuner_type: Literal["lora"] = "lora"
    lora_rank: int = Field(8, ge=1)
    lora_alpha: int = Field(32, ge=1)
    lora_dropout: float = Field(0.05, ge=0, lt=1)
    target_modules: list[str] = Field(default_factory=lambda: ["all-linear"], min_length=1)
    lora_top_layers: float = Field(
        1.0,
        gt=0,
        le=1,
        description="share of the transformer layers, counted from the output, that get LoRA (1 = every layer); "
        "below the lowest LoRA layer nothing needs a gradient, so the backward pass stops there",
    )
    group_by_length: bool = Field(False, description="batches of records of similar length (less padding per step)")
    learning_rate: float = Field(1e-4, gt=0)
    warmup_ratio: float = Field(0.05, ge=0, lt=1)
    batch_size: int = Field(4, ge=1)
    gradient_accumulation_steps: int = Field(1, ge=1)
    max_length: int = Field(512, ge=16)
    max_steps: int = Field(150, ge=1)
    eval_steps: int = Field(50, ge=1)
    save_steps: int = Field(50, ge=1)
    logging_steps: int = Field(5, ge=1)
    eval_on_start: bool = True
    save_total_limit: int | None = Field(None, ge=1)
    torch_dtype: Literal["float32", "bfloat16", "float16", "auto"] = Field(
        "auto",
        description="auto: bfloat16 where the device computes it natively (AVX512-BF16/AMX CPU, CUDA), else float32",
    )
    gradient_checkpointing: bool = False
    padding_free: bool = False
    packing: bool = False
    attn_impl: Literal["sdpa", "eager"] | None = Field(
        None,
        description="ms-swift --attn_impl; null = transformers' default (sdpa). eager trained 1.3x faster on the CPU "
        "here (benchmarks/results/train_throughput_*.md)",
    )
    use_logits_to_keep: bool | None = Field(
        None,
        description="ms-swift --use_logits_to_keep; null = ms-swift decides (on for this model: logits only from the "
        "batch's first reply token on). false computes every position's logits: faster on CPU, where slicing the "
        "hidden states makes torch copy the lm_head weight once per record (profiler)",
    )
    allocator: Literal["system", "tcmalloc"] = Field(
        "system",
        description="malloc of the `swift sft` process: tcmalloc (Debian's libtcmalloc-minimal4, installed by make "
        "sysdeps) trained 1.2x faster on the CPU here, where glibc hands every large tensor back to the kernel and "
        "page-faults it in again",
    )
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    nproc_per_node: int = Field(1, ge=1, description="GPUs per node; >1 runs through ms-swift's torchrun launcher")
    deepspeed: str | None = Field(None, description="ms-swift --deepspeed value, e.g. zero2 or zero3 (GPU only)")
    decision_loss_weight: float = Field(
        1.0,
        ge=1.0,
        le=100.0,
        description="loss weight of each reply's first decision_chars characters (the routing decision), through "
        "ms-swift's loss_scale plugin edgecloud/train/swift_loss_scale.py; 1 = plain cross-entropy",
    )
    decision_chars: int = Field(4, ge=1, le=64, description="characters of each reply weighted by decision_loss_weight")
    extra_args: dict[str, str] = Field(default_factory=dict, description="any other `swift sft` argument")
    min_free_disk_gb: float = Field(1.0, ge=0, description="preflight and run monitor: free space to keep")

    @model_validator(mode="after")
    def _steps_consistent(self) -> "TrainParams":
        if self.eval_steps > self.max_steps:
            raise ValueError(
                f"eval_steps={self.eval_steps} is larger than max_steps={self.max_steps}: no evaluation would run"
            )
        if self.save_steps > self.max_steps:
            raise ValueError(
                f"save_steps={self.save_steps} is larger than max_steps={self.max_steps}: no checkpoint would be saved"
            )
        return self


class EvalParams(_Strict):
    """04_eval: greedy decoding of the base and the fine-tuned model on the test split."""

    max_new_tokens: int = Field(64, ge=1, le=2048)
    batch_size: int = Field(
        8,
        ge=1,
        le=256,
        description="requests generated and scored together (04_eval and the routing calibration); "
        "the seconds per reply it reports are then the batch's time shared by its replies",
    )
    torch_dtype: Literal["float32", "bfloat16", "float16", "auto"] = "float32"
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    heldout_file: str | None = Field(
        "data/heldout/routing_heldout_v1.jsonl",
        description="held-out routing set (phrasings the training generator never makes); null: none",
    )
    heldout_max: int | None = Field(None, ge=1, description="score only the first N held-out records (smoke runs)")
    # --- generation through a running OpenAI-compatible server instead of in-process (edgecloud.eval.eval_server) ---
    server_url: str | None = Field(
        None,
        pattern=r"^https?://\S+$",
        description="OpenAI base URL (ending in /v1) of a running server with the "
        "fine-tuned model (swift deploy, e.g. with infer_backend vllm on a GPU box); null: in-process transformers",
    )
    server_model: str | None = Field(None, description="the fine-tuned model's served name on server_url")
    server_base_url: str | None = Field(
        None, pattern=r"^https?://\S+$", description="where the base model is served; null: server_url"
    )
    server_base_model: str | None = Field(None, description="the base model's served name (no adapter)")
    server_api_key_env: str | None = Field(
        None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="NAME of the env var holding the servers' bearer key"
    )
    server_timeout_s: float = Field(300, gt=0, description="one request to the server")
    server_concurrency: int = Field(8, ge=1, le=512, description="requests in flight at once")

    @model_validator(mode="after")
    def _server_needs_names(self) -> "EvalParams":
        if self.server_url and not (self.server_model and self.server_base_model):
            raise ValueError(
                "eval.server_url is set: set eval.server_model (the fine-tuned model's served name) and "
                "eval.server_base_model (the base model's) too; for the stack of 05_deploy, server_url "
                "http://127.0.0.1:<deploy.edge_port>/v1 with server_model <model.name>, and server_base_url "
                "http://127.0.0.1:<deploy.cloud_port>/v1 with server_base_model <model.name>-cloud-standin"
            )
        return self


class CloudParams(_Strict):
    """The cloud tier: any OpenAI-compatible endpoint; offline, a local stand-in (the base model)."""

    mode: Literal["local_standin", "remote", "none"] = "local_standin"
    base_url: str | None = Field(None, description="remote: OpenAI base URL including /v1")
    model: str | None = None
    api_key_env: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="NAME of the environment variable holding the key (never the key)",
    )
    label: str = "本地云端替身 local stand-in for the cloud LLM (base model, no adapter)"

    @model_validator(mode="after")
    def _remote_needs(self) -> "CloudParams":
        if self.mode == "remote" and not (self.base_url and self.model):
            raise ValueError("deploy.cloud.mode is 'remote': set deploy.cloud.base_url and deploy.cloud.model")
        return self


# Edge variants made by 07_edge_bench: the names are those of the catalogue (edgecloud.edge.variants, which
# imports nothing of the params); used by deploy.edge_variant and the edge_bench section below.
EDGE_VARIANTS = tuple(_VARIANT_CATALOGUE)
EdgeVariantName = Literal[EDGE_VARIANTS]  # type: ignore[valid-type]


class DeployParams(_Strict):
    """05_deploy / 06_e2e: swift deploy of the edge model (+ cloud stand-in) behind the gateway, on loopback."""

    host: Literal["127.0.0.1"] = "127.0.0.1"
    gateway_port: int = Field(8200, ge=1024, le=65535)
    edge_port: int = Field(8201, ge=1024, le=65535)
    cloud_port: int = Field(8202, ge=1024, le=65535)
    infer_backend: Literal["transformers", "vllm", "sglang", "lmdeploy"] = Field(
        "transformers",
        description="ms-swift's inference backend, passed to `swift deploy --infer_backend` as given; "
        "vllm, sglang and lmdeploy need their own package and a GPU machine (only transformers was run here)",
    )
    startup_timeout_s: float = Field(240, gt=0)
    edge_timeout_s: float = Field(60, gt=0)
    cloud_timeout_s: float = Field(120, gt=0)
    max_new_tokens: int = Field(64, ge=1)
    api_keys_env: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="NAME of the env var with comma-separated client bearer keys",
    )
    cloud: CloudParams = Field(default_factory=CloudParams)
    # --- edge tier from an exported edge variant (07_edge_bench) instead of `swift deploy` ----------
    edge_variant: EdgeVariantName | None = Field(
        None,
        description="serve this 07_edge_bench variant as the edge tier "
        "(python -m edgecloud.edge.server); null = swift deploy",
    )
    edge_threads: int = Field(2, ge=1, description="CPU threads of the edge variant server")
    edge_replicas: int = Field(
        1,
        ge=1,
        le=8,
        description="edge servers the stack starts (replicas: each its own "
        "swift deploy, or variant server, the first on edge_port, the others on free loopback "
        "ports); the gateway spreads requests over them (least outstanding requests)",
    )

    @model_validator(mode="after")
    def _distinct_ports(self) -> "DeployParams":
        ports = [self.gateway_port, self.edge_port, self.cloud_port]
        if len(set(ports)) != 3:
            raise ValueError(f"gateway_port, edge_port and cloud_port must differ (got {ports})")
        return self


# ---------------------------------------------------------------------------------------------
# 07_edge_bench (issue 6): edge variants of the fine-tuned model (deploy.edge_variant serves one)


class EdgeBenchParams(_Strict):
    """07_edge_bench: export the merged fine-tuned model to edge variants and measure them in one run."""

    variants: list[EdgeVariantName] = Field(
        default_factory=lambda: list(EDGE_VARIANTS),
        min_length=1,
        description="torch-fp32 (the baseline) is always measured too; `full` = every variant of the catalogue",
    )
    threads: int = Field(2, ge=1, description="CPU threads every runtime may use")
    repeats: int = Field(3, ge=1, description="speed passes per variant (interleaved); medians and spread")
    speed_prompts: int = Field(4, ge=1, description="test prompts of spread lengths for TTFT and decode speed")
    decode_tokens: int = Field(64, ge=2, description="tokens generated per speed prompt (EOS ignored)")
    batch_size: int = Field(4, ge=1, description="the small batch of the throughput measurement")
    max_new_tokens: int = Field(64, ge=1, description="quality pass on the whole test split, greedy")
    within_points: float = Field(
        1.0, ge=0, description="recommendation: routing accuracy within this many points of fp32"
    )
    worker_timeout_s: float = Field(1800, gt=0, description="one variant's measurement process")
    torch_int8_skip: list[str] = Field(default_factory=list, description="Linear modules left in fp32, e.g. [lm_head]")
    ort_int8_per_channel: bool = True
    ort_int8_skip: list[str] = Field(default_factory=list, description="MatMul nodes (name substrings) left in fp32")
    ort_int8_reduce_range: bool | Literal["auto"] = Field(
        "auto", description="7-bit weights; auto: on where the CPU lacks VNNI (8-bit sums saturate there)"
    )
    genai_int4_accuracy_level: int = Field(
        4, ge=0, le=4, description="builder accuracy_level of int4 (4: int8 activations)"
    )
    genai_int8_accuracy_level: int | Literal["auto"] = Field(
        "auto", description="builder accuracy_level of int8; auto: 4 (int8 activations) with VNNI, else 1 (fp32)"
    )
    bar_speedup: float = Field(10.0, gt=0, description="issue 14 bar: decode tokens/s vs torch-fp32")
    bar_size_ratio: float = Field(3.5, gt=0, description="issue 14 bar: torch-fp32 size / variant size")
    bar_agreement: float = Field(0.9, ge=0, le=1, description="issue 14 bar: teacher-forced agreement with fp32")

    @field_validator("variants", mode="before")
    @classmethod
    def _full(cls, v: object) -> object:
        return list(EDGE_VARIANTS) if v == "full" else v


class E2EParams(_Strict):
    """06_e2e: fixed client cases through the backend API, and a real headless browser."""

    cases_file: str = "data/e2e/cases.jsonl"
    multiturn_file: str | None = Field(
        "data/e2e/cases_multiturn.jsonl", description="cases with earlier turns (routing of the last turn); null: none"
    )
    browser: bool = True
    chromium_path: str = "/usr/bin/chromium"
    browser_cases: list[str] = Field(
        default_factory=list,
        description="case ids sent from the browser; empty = the first edge and the first complex case",
    )


class PublishRule(_Strict):
    """One line of the publishing map: generated files whose name matches `pattern` go to thesis folder `to`."""

    pattern: str = Field(description="glob on the file name in figures/<run>/, e.g. 03_* or edge_numbers.*")
    to: str = Field(description="folder inside the thesis, e.g. generated/chapter2")

    @field_validator("to")
    @classmethod
    def _inside_thesis(cls, v: str) -> str:
        if Path(v).is_absolute() or ".." in Path(v).parts:
            raise ValueError(f"{v!r} must be a folder inside the thesis (relative, without ..)")
        return v


def _default_publish_map() -> list[PublishRule]:
    return [
        PublishRule(pattern="edge_numbers.*", to="generated"),
        PublishRule(pattern="0[1-4]_*", to="generated/chapter2"),
        PublishRule(pattern="07_*", to="generated/chapter2"),  # the edge model's speed: its own chapter
        PublishRule(pattern="compare_*", to="generated/chapter2"),  # `python -m edgecloud compare`: runs side by side
        PublishRule(pattern="0[5-9]_*", to="generated/chapter5"),
    ]


class PublishParams(_Strict):
    """Thesis publishing: which generated figure/table/number file goes to which thesis folder."""

    thesis_dir: str = Field(
        "thesis",
        description="the thesis folder (relative to the workspace root or absolute); "
        "`python -m edgecloud publish --thesis-dir` overrides it",
    )
    map: list[PublishRule] = Field(
        default_factory=_default_publish_map,
        min_length=1,
        description="the first rule whose pattern matches a file decides its folder",
    )
    skeleton: str | None = Field(
        None,
        description="when thesis_dir does not exist yet, it starts as a copy of this "
        "thesis folder (e.g. the sample thesis/), so a profile can publish into its own copy",
    )
    compile: bool = Field(True, description="compile the thesis with latexmk after publishing (when main_tex exists)")
    main_tex: str = Field("main.tex", description="the thesis' root LaTeX file, relative to thesis_dir")
    docx: bool = Field(
        True,
        description="the Word version: write docx_source.md (the Markdown chapters with tables, "
        "PNG figures and numbers) and, when compiling, build build/thesis.docx with pandoc",
    )
    docx_chapters: list[str] = Field(
        default_factory=lambda: ["chapter_*.md"],
        min_length=1,
        description="the Markdown chapters of the Word version: globs relative to thesis_dir, in this order",
    )
    reference_docx: str | None = Field(
        None,
        description="a .docx whose styles the Word version takes (pandoc "
        "--reference-doc), relative to the workspace root or absolute; null: "
        "pandoc's default styles",
    )

    @field_validator("docx_chapters")
    @classmethod
    def _chapters_inside_thesis(cls, v: list[str]) -> list[str]:
        for pattern in v:
            if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
                raise ValueError(f"{pattern!r} must be a pattern inside the thesis (relative, without ..)")
        return v

    @field_validator("reference_docx")
    @classmethod
    def _reference_docx_exists(cls, v: str | None) -> str | None:
        if v is None:
            return v
        path = resolve(v)
        if path.suffix.lower() != ".docx":
            raise ValueError(f"{v!r} is not a .docx file (pandoc takes the styles of a Word document)")
        if not path.is_file():
            raise ValueError(
                f"file not found: {rel(path)} (make one with `pandoc -o reference.docx "
                "--print-default-data-file reference.docx` and change its styles in Word, or set null)"
            )
        return v
