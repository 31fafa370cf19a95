"""Teach a small chat model to reason step by step on GSM8K: QLoRA fine-tuning with TRL, in one file.

What tiny_reason's lesson 02 trains, written with public libraries only (transformers, peft, trl, bitsandbytes,
datasets): copy it, read it top to bottom, change the settings below. Each GSM8K solution (its calculator notes
removed) goes inside <think>...</think>, then **Final Answer:** N, in the model's own chat template; the loss counts
the reply's tokens only. On a CUDA GPU the frozen base loads in 4-bit NF4 (QLoRA); on a CPU it stays in fp32 and
the same LoRA trains on it, slowly: give a small model there. After training, the saved adapter is loaded on its base
and answers one held-out question, its reply primed with <think>, as in training; the reply is printed.

    pip install -U "transformers>=5.24" "trl>=1.0" peft bitsandbytes datasets accelerate
    python sft_qlora.py                     # Qwen2.5-1.5B-Instruct, 2,000 GSM8K rows, 250 steps (a free Colab T4)
    python sft_qlora.py --model FOLDER --train_file train.jsonl --validation_file val.jsonl --max_steps 4
    python sft_qlora.py --model FOLDER --plain ...   # a base model (no chat template): Gemma-3-270M, say

In a notebook, paste the file into a cell and change the settings below instead of the flags: the cell runs it (the
kernel's own arguments, `-f ....json`, are passed over). A JSONL file holds GSM8K rows: {"question": ...,
"answer": "... #### 72"}. A base model has no chat template: --plain writes each prompt as plain text instead,
"### Question:\n...\n\n### Answer:\n" (tiny_reason's `qa` format), the reply ending with the eos. The adapter lands in --out. A mistake in the command, a file or a row stops it with one
line, before the model loads.

Tested here on a CPU only (fp32, SmolLM2-135M-Instruct; tiny_reason's 22_train_checks): there it saves the same
adapter as tiny_reason's `train`, bit for bit. Its CUDA path (the NF4 base, fp16 or bf16, 8-bit AdamW, the LoRA
weights recast to fp32) has not been run: no GPU was lent to test it.

On a T4, tiny_reason's colab-t4 preset trains the same recipe but feeds each step's 8 rows otherwise: its
`training.fit_memory_gb` fits them into the GPU's memory in one micro-batch (8 x 1, checkpointing only where the
longest row needs it) and evaluates 16 rows at a time; this script takes 2 rows at a time (2 x 4), checkpointing
always, and evaluates 4 at a time. The loss is the same, summed in another order; the fitted run is faster
(docs/speed.md). Every other setting below is colab-t4's.
"""
import argparse, gc, json, os, random, re, sys, warnings
import torch
from datasets import Dataset, load_dataset
from peft import LoraConfig, PeftModel, get_peft_model, prepare_model_for_kbit_training
from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig, GenerationConfig, set_seed
from trl import SFTConfig, SFTTrainer

# transformers 5 renamed `is_gradient_checkpointing` (the old name goes in v6); PEFT and TRL still read the old name in
# their own code. This script uses the new names, so that one notice, which it cannot act on, is silenced.
warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)

# The settings: tiny_reason's colab-t4 preset, the recipe lesson 02 teaches (how a T4 feeds a step's rows aside: above).
MODEL = "Qwen/Qwen2.5-1.5B-Instruct"  # a Hub id or a local folder (--model)
TRAIN_FILE = VALIDATION_FILE = None  # GSM8K rows as JSONL (--train_file, --validation_file); None: GSM8K from the Hub
OUT = "lora_adapter"  # where the adapter is saved (--out)
SYSTEM_PROMPT = "You are a helpful assistant that solves math problems step by step."
NUM_SAMPLES, VALIDATION_SPLIT = 2000, 0.1  # GSM8K training rows used; the share held out to choose the checkpoint
MAX_LENGTH = 1024  # tokens a row may have; GSM8K's longest is far shorter
LORA_R, LORA_ALPHA, LORA_DROPOUT = 16, 32, 0.0  # alpha / r = 2 scales the update B @ A
TARGET_MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]  # all seven projections
BATCH_SIZE, GRADIENT_ACCUMULATION = 2, 4  # 8 rows a step, 2 at a time; on a GPU that holds more, raise BATCH_SIZE
GRADIENT_CHECKPOINTING = True  # recompute activations in the backward pass: less memory, about 30% slower
MAX_STEPS, WARMUP_STEPS = 250, 50  # MAX_STEPS: --max_steps
LEARNING_RATE = 2e-4  # LoRA wants about 10x the rate of full fine-tuning
WEIGHT_DECAY = 0.01
EVAL_STEPS = SAVE_STEPS = 50  # validation loss every 50 steps: the checkpoint with the lowest is the adapter saved
SEED = 3407
THINK = "<think>\n"  # the reply starts here: at inference, the prompt ends with it too
PLAIN_PROMPT = "### Question:\n{question}\n\n### Answer:\n"  # --plain: a base model's prompt, no chat template
MAX_NEW_TOKENS = 512  # the reply's length limit when the trained model answers (--max_new_tokens)
PAD_CANDIDATES = ["<|endoftext|>", "<|finetune_right_pad_id|>", "<pad>", "<unk>"]


def solution_parts(answer: str) -> tuple[str, str]:
    "GSM8K's answer as (the steps without calculator notes, the final number): '48/2 = <<48/2=24>>24 ... #### 72'."
    steps, final = answer.rsplit("####", 1)
    steps = re.sub(r"<<[^<>\n]*=[^<>\n]*>>", "", steps)  # '<<48/2=24>>': the calculator the data's authors used
    return steps.strip(), final.strip().replace(",", "")


def to_example(row: dict, plain: bool = False) -> dict:
    """A GSM8K row as TRL's prompt-completion messages: the completion is the reasoning, then the answer. `plain`: as
    text (TRL appends the eos to a plain completion)."""
    steps, answer = solution_parts(row["answer"])
    reply = f"{THINK}{steps}\n</think>\n\n**Final Answer:** {answer}"
    if plain: return {"prompt": PLAIN_PROMPT.format(question=row["question"].strip()), "completion": reply}
    prompt = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": row["question"].strip()}]
    return {"prompt": prompt, "completion": [{"role": "assistant", "content": reply}]}


def read_jsonl(path) -> list[dict]:
    "GSM8K rows of a JSONL file; a line that is not one is a ValueError naming the file and the line."
    rows = []
    with open(path, "rb") as f:  # bytes: a line that is not UTF-8 is named by its number too
        for n, line in enumerate(f, 1):
            if not line.strip(): continue
            try: row = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError: raise ValueError(f"{path}:{n}: not UTF-8 text") from None
            except json.JSONDecodeError as e: raise ValueError(f"{path}:{n}: not JSON ({e.msg})") from None
            if not (isinstance(row, dict) and isinstance(row.get("question"), str)
                    and "####" in str(row.get("answer"))):
                raise ValueError(f"{path}:{n}: not a GSM8K row: it needs a 'question' and an 'answer' ending '#### N'")
            rows.append(row)
    if not rows: raise ValueError(f"{path}: no rows")
    return rows


def gsm8k_rows(train_file=None, validation_file=None) -> tuple[list[dict], list[dict]]:
    "Training and validation rows: two local files, or NUM_SAMPLES of GSM8K's train split, shuffled, part held out."
    if train_file: return read_jsonl(train_file), read_jsonl(validation_file)
    rows = list(load_dataset("openai/gsm8k", "main", split="train"))
    random.Random(SEED).shuffle(rows)
    rows = rows[:NUM_SAMPLES]
    n_val = max(1, round(len(rows) * VALIDATION_SPLIT))
    # tiny_reason also drops malformed and repeated rows, and keeps a question's rows on one side (lesson 00)
    return rows[n_val:], rows[:n_val]


def load_tokenizer(model: str):
    tok = AutoTokenizer.from_pretrained(model)
    if tok.pad_token is None or tok.pad_token == tok.eos_token:  # padding must not look like the end of a reply
        tok.pad_token = next(t for t in PAD_CANDIDATES if t in tok.get_vocab() and t != tok.eos_token)
    tok.padding_side = "left"  # generation appends to the right end of every row
    return tok


def load_base(model: str, dtype: torch.dtype):
    "The frozen base: 4-bit NF4 with double quantization on a GPU (the QLoRA recipe), else as it is stored, in `dtype`."
    on_gpu = torch.cuda.is_available()
    nf4 = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                             bnb_4bit_compute_dtype=dtype) if on_gpu else None  # bitsandbytes' NF4 wants CUDA
    return AutoModelForCausalLM.from_pretrained(model, quantization_config=nf4, dtype=dtype,
                                                device_map={"": 0} if on_gpu else None)


def load_model(model: str, dtype: torch.dtype):
    "The frozen base with a fresh LoRA on top. Checkpointing is the trainer's to turn on (once), from the config."
    base = load_base(model, dtype)
    if torch.cuda.is_available():  # the norms in fp32
        base = prepare_model_for_kbit_training(base, use_gradient_checkpointing=False)
    lora = LoraConfig(r=LORA_R, lora_alpha=LORA_ALPHA, lora_dropout=LORA_DROPOUT, target_modules=TARGET_MODULES,
                      bias="none", task_type="CAUSAL_LM")
    return get_peft_model(base, lora)  # B = 0: it starts as the base


def answer(model: str, adapter: str, tok, question: str, dtype: torch.dtype, max_new_tokens: int,
           plain: bool = False) -> str:
    """The saved adapter, loaded on a fresh base, answers `question` greedily (always the likeliest token). The prompt
    ends with <think>: a briefly trained model may skip the opening tag otherwise."""
    tuned = PeftModel.from_pretrained(load_base(model, dtype), adapter).eval()
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": question.strip()}]
    if plain:  # the tokenizer adds its bos, if it has one, as TRL's training did
        ids = tok(PLAIN_PROMPT.format(question=question.strip()) + THINK, return_tensors="pt").to(tuned.device)
    else:
        prompt = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True) + THINK
        ids = tok(prompt, return_tensors="pt", add_special_tokens=False).to(tuned.device)  # the template has its own
    greedy = GenerationConfig(max_new_tokens=max_new_tokens, do_sample=False, eos_token_id=tok.eos_token_id,
                              pad_token_id=tok.pad_token_id)  # not the model's sampling defaults
    with torch.no_grad(): out = tuned.generate(**ids, generation_config=greedy)
    return THINK + tok.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True)


def steps(text: str) -> int:
    "--max_steps: a whole number of optimizer steps, at least 1 (TRL reads -1 as 3 epochs: not asked for here)."
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a step count >= 1")
    return int(text)


def tokens(text: str) -> int:
    "--max_new_tokens: a whole number of tokens, at least 1."
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a token count >= 1")
    return int(text)


def local_model(model: str) -> bool:
    "Whether --model names a folder rather than a Hub id ('org/name'): it is there, or reads as a path."
    return os.path.exists(model) or model.startswith(("/", ".", "~"))


KERNEL_OPTION = re.compile(r"--f=.*|--[A-Z]\w*\.\w+=.*")  # a kernel's connection file, its traitlets settings


def own_args(argv: list[str]) -> list[str]:
    """`argv` without a Jupyter kernel's own arguments: pasted into a notebook cell, the script finds the kernel's
    command line in sys.argv (`-f .../kernel-....json`, `--HistoryManager.hist_file=:memory:`). Any other word that
    is not a flag of ours stays, and argparse refuses it."""
    kept, words = [], iter(argv)
    for word in words:
        if word == "-f": next(words, None)  # and the connection file after it
        elif not KERNEL_OPTION.fullmatch(word): kept.append(word)
    return kept


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default=MODEL, help="a Hub id or a local model folder")
    p.add_argument("--train_file", default=TRAIN_FILE,
                   help="GSM8K rows as JSONL (default: GSM8K's train split from the Hub)")
    p.add_argument("--validation_file", default=VALIDATION_FILE, help="held-out rows as JSONL (with --train_file)")
    p.add_argument("--max_steps", type=steps, default=MAX_STEPS, help="optimizer steps, at least 1")
    p.add_argument("--out", default=OUT, help="where the adapter is saved")
    p.add_argument("--max_new_tokens", type=tokens, default=MAX_NEW_TOKENS, help="the trained model's reply, at most")
    p.add_argument("--plain", action="store_true", help="plain-text prompts, for a base model without a chat template")
    args = p.parse_args(own_args(sys.argv[1:] if argv is None else argv))
    # every input checked before anything loads: a mistake is one line, not a traceback minutes in
    if bool(args.train_file) != bool(args.validation_file): p.error("give --train_file and --validation_file together")
    for flag, give in (("out", "the folder the adapter is saved in"), ("model", "a model folder or a Hub id")):
        if not getattr(args, flag).strip(): p.error(f"--{flag} is empty: give {give}")
    model_dir = os.path.expanduser(args.model)
    if local_model(args.model) and not os.path.isfile(os.path.join(model_dir, "config.json")):
        p.error(f"--model {args.model}: no model folder there (no config.json); give a model folder or a Hub id")
    try: train_rows, val_rows = gsm8k_rows(args.train_file, args.validation_file)
    except OSError as e: p.error(f"{e.filename}: {e.strerror}" if e.filename else str(e).splitlines()[0])  # or the Hub
    except ValueError as e: p.error(str(e))

    on_gpu = torch.cuda.is_available()
    # bf16 where the GPU computes it natively (Ampere on), fp16 on a T4, fp32 on a CPU
    dtype = torch.float32 if not on_gpu else (
        torch.bfloat16 if torch.cuda.is_bf16_supported(including_emulation=False) else torch.float16)
    set_seed(SEED)  # the LoRA's initial A, the data order, dropout
    try: tok = load_tokenizer(model_dir)
    except (OSError, ValueError) as e: p.error(f"--model {args.model}: {str(e).splitlines()[0]}")  # a Hub id not there
    if not args.plain and not tok.chat_template:
        p.error(f"--model {args.model} has no chat template (a base model): add --plain for plain-text prompts")
    train, val = (Dataset.from_list([to_example(r, args.plain) for r in rows]) for rows in (train_rows, val_rows))
    model = load_model(model_dir, dtype)

    config = SFTConfig(
        output_dir=f"{args.out}_checkpoints", seed=SEED, data_seed=SEED, max_steps=args.max_steps,
        per_device_train_batch_size=BATCH_SIZE, per_device_eval_batch_size=BATCH_SIZE * 2,
        gradient_accumulation_steps=GRADIENT_ACCUMULATION, learning_rate=LEARNING_RATE, lr_scheduler_type="linear",
        warmup_steps=WARMUP_STEPS, weight_decay=WEIGHT_DECAY,
        optim="adamw_8bit" if on_gpu else "adamw_torch",  # 8-bit optimizer states save GPU memory; a CPU has room
        bf16=dtype == torch.bfloat16, fp16=dtype == torch.float16, use_cpu=not on_gpu,
        max_length=MAX_LENGTH, packing=False, completion_only_loss=True,  # the loss: the reply's tokens only
        train_sampling_strategy="group_by_length",  # rows of like length share a batch: less padding
        # transformers 5's name for gradient checkpointing; the trainer turns it on, once
        activation_checkpointing=GRADIENT_CHECKPOINTING, activation_checkpointing_kwargs={"use_reentrant": False},
        eval_strategy="steps", eval_steps=EVAL_STEPS, eval_on_start=True, prediction_loss_only=True,
        save_strategy="steps", save_steps=SAVE_STEPS, save_total_limit=3,
        load_best_model_at_end=True, metric_for_best_model="eval_loss", greater_is_better=False,
        logging_steps=10, report_to="none", dataloader_num_workers=0)
    trainer = SFTTrainer(model=model, args=config, processing_class=tok, train_dataset=train, eval_dataset=val)
    # TRL casts the LoRA weights of a 4-bit base to bf16; fp32 keeps the small updates a 16-bit weight would round away
    for w in trainer.model.parameters():
        if w.requires_grad and w.dtype != torch.float32: w.data = w.data.float()
    # Left out: tiny_reason's TRL LM-head setting (less memory on a CPU) and, on a GPU, its choice of how many of a
    # step's 8 rows go through at once: both compute the same loss, summed in another order.
    trainer.train()
    trainer.save_model(args.out)  # adapter_model.safetensors and adapter_config.json
    tok.save_pretrained(args.out)
    print(f"adapter saved in {args.out}")

    del trainer, model; gc.collect(); torch.cuda.empty_cache()  # room for the adapter, loaded as a user will load it
    row = val_rows[0]  # held out: never trained on
    reply = answer(model_dir, args.out, tok, row["question"], dtype, args.max_new_tokens, args.plain)
    gold = solution_parts(row["answer"])[1]
    print(f"\nQUESTION: {row['question'].strip()}\n\nREPLY:\n{reply}\n\nGOLD ANSWER: {gold}")
    return reply


if __name__ == "__main__":
    main()
