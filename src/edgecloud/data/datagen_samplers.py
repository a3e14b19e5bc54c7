"""The sampler registry of the raw-data generator (`edgecloud.data.datagen`): ``SAMPLERS``, the name a
template gives (``Template.sampler``) -> the sampler that fills its slots.

Here are the samplers of chit-chat and of the complex tasks, and the confounder samplers: a simple
intent's sampler plus a complex-task word in a simple role (`_adding`), two samplers merged (`_merged`);
the device, time, look-up, translation and arithmetic samplers are in `datagen_slots`, their words in
`datagen_words`.
"""

from __future__ import annotations

import random
from typing import Sequence

from edgecloud.data import datagen_words as words
from edgecloud.data.datagen_slots import (
    Sampler,
    Slots,
    conversion_sampler,
    en_time,
    pick,
    s_ac_mode,
    s_ac_temp,
    s_add,
    s_appliance,
    s_average,
    s_clock_morning,
    s_combo,
    s_cook_timer,
    s_curtain,
    s_daily_task,
    s_discount,
    s_div,
    s_dnd_dur,
    s_dnd_until,
    s_door,
    s_duration,
    s_duration_task,
    s_light,
    s_light_color,
    s_meeting_lead,
    s_mul,
    s_pct_change,
    s_percent,
    s_phrase,
    s_room,
    s_room_pct,
    s_room_pct_high,
    s_room_pct_low,
    s_screen_pct,
    s_snooze,
    s_split,
    s_square,
    s_sub,
    s_sum3,
    s_time,
    s_time_morning,
    s_time_task,
    s_tip,
    s_toggle,
    s_volume,
    s_volume_step,
    s_water_temp,
    s_weather,
    s_world_city,
    zh_time,
)

# --- chitchat ---


def s_greet(rng: random.Random, lang: str) -> Slots:
    greet, reply = rng.choice(words.ZH_GREETINGS if lang == "zh" else words.EN_GREETINGS)
    return {
        "greet": greet,
        "greet_reply": reply,
        "punct": rng.choice(("", "！", "~", "呀") if lang == "zh" else ("", "!", "!!", " :)")),
        "addr": rng.choice(words.ZH_ADDRESS if lang == "zh" else words.EN_ADDRESS),
    }


def s_thanks(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {
            "thanks": rng.choice(words.ZH_THANKS) + rng.choice(words.ZH_THANKS_TAIL),
            "welcome": rng.choice(words.ZH_WELCOME),
        }
    return {
        "thanks": rng.choice(words.EN_THANKS) + rng.choice(words.EN_THANKS_TAIL),
        "welcome": rng.choice(words.EN_WELCOME),
    }


def s_howru(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {
            "howru": rng.choice(("", "嘿，", "小助手，"))
            + rng.choice(words.ZH_HOWRU)
            + rng.choice(("", "？", "呀", "啊"))
        }
    return {"howru": rng.choice(("", "Hey, ", "So ")) + "how are you " + rng.choice(words.EN_HOWRU_TAIL)}


def s_joke(rng: random.Random, lang: str) -> Slots:
    kind, joke = rng.choice(words.ZH_JOKES if lang == "zh" else words.EN_JOKES)
    return {"kind": kind, "joke": joke, "tail": rng.choice(words.ZH_TAILS[:4] if lang == "zh" else ("", "?", " pls"))}


def s_event(rng: random.Random, lang: str) -> Slots:
    return {
        "event": rng.choice(words.ZH_EVENTS if lang == "zh" else words.EN_EVENTS),
        "when": rng.choice(words.ZH_WHEN if lang == "zh" else words.EN_WHEN),
    }


def s_bad_day(rng: random.Random, lang: str) -> Slots:
    bad, comfort = rng.choice(words.ZH_BAD_DAYS if lang == "zh" else words.EN_BAD_DAYS)
    return {"bad": bad, "comfort": comfort}


def s_compliment(rng: random.Random, lang: str) -> Slots:
    return {
        "comp": rng.choice(words.ZH_COMPLIMENTS if lang == "zh" else words.EN_COMPLIMENTS),
        "tail": rng.choice(words.ZH_TAILS if lang == "zh" else words.EN_TAILS),
    }


def s_can_do_tail(rng: random.Random, lang: str) -> Slots:
    return {"qtail": rng.choice(("", "？", "呀？", "啊") if lang == "zh" else ("", "?", " exactly?", " for me?"))}


def s_name_tail(rng: random.Random, lang: str) -> Slots:
    return {
        "ntail": rng.choice(("", "？", "呀", "啊？") if lang == "zh" else ("", "?", " by the way?", ", assistant?"))
    }


def s_bored(rng: random.Random, lang: str) -> Slots:
    return {
        "bored": rng.choice(words.ZH_BORED if lang == "zh" else words.EN_BORED),
        "tail": rng.choice(("", "～", "。。。") if lang == "zh" else ("", "...", " :(")),
    }


def s_goodnight(rng: random.Random, lang: str) -> Slots:
    return {
        "night": rng.choice(words.ZH_GOODNIGHT if lang == "zh" else words.EN_GOODNIGHT),
        "tail": rng.choice(
            ("", "，小助手", "～", "，明天见") if lang == "zh" else ("", "!", ", assistant", ", see you tomorrow")
        ),
    }


def s_birthday(rng: random.Random, lang: str) -> Slots:
    return {
        "bday": rng.choice(words.ZH_BIRTHDAY if lang == "zh" else words.EN_BIRTHDAY),
        "tail": rng.choice(("", "！", "，好开心", "～") if lang == "zh" else ("", "!", " :)", " 🎂")),
    }


def s_plan(rng: random.Random, lang: str) -> Slots:
    return {
        "plan": rng.choice(words.ZH_PLANS if lang == "zh" else words.EN_PLANS),
        "tail": rng.choice(("", "！", "哈哈") if lang == "zh" else ("", "!", " :D")),
    }


# --- complex tasks ---


def _task_sampler(zh: Sequence[str], en: Sequence[str], key: str = "task") -> Sampler:
    def sample(rng: random.Random, lang: str) -> Slots:
        return {key: rng.choice(zh if lang == "zh" else en)}

    return sample


SAMPLERS: dict[str, Sampler] = {
    "room": s_room,
    "ac_temp": s_ac_temp,
    "ac_mode": s_ac_mode,
    "light": s_light,
    "room_pct": s_room_pct,
    "room_pct_high": s_room_pct_high,
    "room_pct_low": s_room_pct_low,
    "screen_pct": s_screen_pct,
    "curtain": s_curtain,
    "volume": s_volume,
    "volume_step": s_volume_step,
    "toggle": s_toggle,
    "dnd_until": s_dnd_until,
    "dnd_dur": s_dnd_dur,
    "appliance": s_appliance,
    "light_color": s_light_color,
    "water_temp": s_water_temp,
    "door": s_door,
    "duration": s_duration,
    "duration_task": s_duration_task,
    "cook_timer": s_cook_timer,
    "snooze": s_snooze,
    "time": s_time,
    "time_morning": s_time_morning,
    "clock_morning": s_clock_morning,
    "time_task": s_time_task,
    "daily_task": s_daily_task,
    "meeting_lead": s_meeting_lead,
    "weather": s_weather,
    "world_city": s_world_city,
    **{f"conv_{kind}": conversion_sampler(kind) for kind in words.CONVERSIONS},
    "phrase": s_phrase,
    "mul": s_mul,
    "add": s_add,
    "sub": s_sub,
    "div": s_div,
    "square": s_square,
    "sum3": s_sum3,
    "combo": s_combo,
    "percent": s_percent,
    "tip": s_tip,
    "average": s_average,
    "discount": s_discount,
    "split": s_split,
    "pct_change": s_pct_change,
    "greet": s_greet,
    "thanks": s_thanks,
    "howru": s_howru,
    "joke": s_joke,
    "event": s_event,
    "bad_day": s_bad_day,
    "compliment": s_compliment,
    "can_do_tail": s_can_do_tail,
    "name_tail": s_name_tail,
    "bored": s_bored,
    "goodnight": s_goodnight,
    "birthday": s_birthday,
    "plan": s_plan,
    "proof": _task_sampler(words.ZH_PROOF_TASKS, words.EN_PROOF_TASKS),
    "analysis": _task_sampler(words.ZH_ANALYSIS_TASKS, words.EN_ANALYSIS_TASKS),
    "planning": _task_sampler(words.ZH_PLAN_TASKS, words.EN_PLAN_TASKS),
    "code": _task_sampler(words.ZH_CODE_TASKS, words.EN_CODE_TASKS),
    "code_explain": _task_sampler(words.ZH_CODE_EXPLAIN, words.EN_CODE_EXPLAIN, key="etask"),
}

# --- confounders ---


def s_none(rng: random.Random, lang: str) -> Slots:
    return {}


def _adding(base: Sampler, **tables: tuple[Sequence[str], Sequence[str]]) -> Sampler:
    """Sampler `base` plus one slot per keyword argument, drawn from its (zh, en) table (in order)."""

    def sample(rng: random.Random, lang: str) -> Slots:
        slots = dict(base(rng, lang))
        for key, (zh, en) in tables.items():
            slots[key] = rng.choice(zh if lang == "zh" else en)
        return slots

    return sample


def s_kw_habit(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        text, clock = zh_time(rng, with_day=False)
        return {"time": text, "clock": clock, "habit": rng.choice(words.ZH_KW_HABITS)}
    habit, habit_r = rng.choice(words.EN_KW_HABITS)
    return {"time": en_time(rng, with_day=False), "habit": habit, "habit_r": habit_r}


def s_plain_time_task(rng: random.Random, lang: str) -> Slots:
    task, task_r = rng.choice(words.ZH_TASKS if lang == "zh" else words.EN_PLAIN_TASKS)
    return {**s_time(rng, lang), "task": task, "task_r": task_r}


def s_ac_cool(rng: random.Random, lang: str) -> Slots:
    """An AC room and a temperature someone who feels hot would ask for."""
    temp = rng.randint(20, 26) if lang == "zh" else rng.randint(66, 74)
    return {"room": pick(rng, words.AC_ROOMS, lang), "temp": str(temp)}


def s_diff(rng: random.Random, lang: str) -> Slots:
    a = rng.randint(50, 500)
    b = rng.randint(10, a - 1)
    return {"a": str(a), "b": str(b), "d": str(a - b), "line": f"{a} − {b} = {a - b}"}


def s_term(rng: random.Random, lang: str) -> Slots:
    row = rng.choice(words.TERMS)
    return {f"term_{k}": v for k, v in row.items()}


def s_kw_sentence(rng: random.Random, lang: str) -> Slots:
    row = rng.choice(words.KW_SENTENCES)
    return {"s_zh": row["zh"], "s_en": row["en"]}


def s_long_day(rng: random.Random, lang: str) -> Slots:
    ask, reply = rng.choice(words.ZH_LONG_ASKS if lang == "zh" else words.EN_LONG_ASKS)
    return {
        "ctx": rng.choice(words.ZH_LONG_DAYS if lang == "zh" else words.EN_LONG_DAYS),
        "ask": ask,
        "ask_reply": reply,
    }


_KW_ACT = (words.ZH_KW_ACTIVITIES, words.EN_KW_WORK)
_KW_DOC = (words.ZH_KW_DOCS, words.EN_KW_DOCS)

SAMPLERS.update(
    {
        "kw_room_act": _adding(s_room, act=_KW_ACT),
        "kw_dnd_act": _adding(s_dnd_dur, act=_KW_ACT),
        "kw_ac_act": _adding(s_ac_temp, act=_KW_ACT),
        "kw_vol_act": _adding(s_volume, act=_KW_ACT),
        "kw_curtain_act": _adding(s_curtain, act=_KW_ACT),
        "kw_color_doc": _adding(s_light_color, doc=_KW_DOC),
        "kw_time_doc": _adding(s_time, doc=_KW_DOC),
        "kw_dur_doc": _adding(s_duration, doc=_KW_DOC),
        "kw_dur_act": _adding(s_duration, act=_KW_ACT),
        "kw_habit": s_kw_habit,
        "kw_meeting": _adding(s_meeting_lead, meeting=(words.ZH_KW_MEETINGS, words.EN_KW_MEETINGS)),
        "term": s_term,
        "kw_sentence": s_kw_sentence,
        "diff": s_diff,
        "kw_tired_joke": _adding(s_joke, tired=(words.ZH_KW_TIRED, words.EN_KW_WORK)),
        "kw_doc_tail": _adding(s_none, doc=_KW_DOC, tail=(words.ZH_TAILS, words.EN_TAILS)),
        "kw_event": _adding(
            s_none, kw_event=(words.ZH_KW_EVENTS, words.EN_KW_EVENTS), when=(words.ZH_WHEN, words.EN_WHEN)
        ),
        "kw_lazy": _adding(s_none, lazy=(words.ZH_LAZY, words.EN_LAZY), tail=(words.ZH_TAILS, words.EN_TAILS)),
        "plain_time_task": s_plain_time_task,
        "ac_cool": s_ac_cool,
        "long_day": s_long_day,
        "long_day_joke": _adding(s_joke, ctx=(words.ZH_LONG_DAYS, words.EN_LONG_DAYS)),
        "conv_c_f_oven": conversion_sampler("c_f", words.OVEN_C),
        "conv_f_c_oven": conversion_sampler("f_c", words.OVEN_F),
        "plain_proof": _task_sampler(words.ZH_PLAIN_PROOF, words.EN_PLAIN_PROOF, key="q"),
        "plain_walk": _task_sampler(words.ZH_PLAIN_WALK, words.EN_PLAIN_WALK, key="walk"),
        "plain_issue": _task_sampler(words.ZH_PLAIN_ISSUES, words.EN_PLAIN_ISSUES, key="q"),
        "plain_writing": _task_sampler(words.ZH_PLAIN_WRITING, words.EN_PLAIN_WRITING, key="w"),
        "plain_trip": _task_sampler(words.ZH_PLAIN_TRIPS, words.EN_PLAIN_TRIPS, key="q"),
        "plain_build": _task_sampler(words.ZH_PLAIN_BUILDS, words.EN_PLAIN_BUILDS, key="w"),
        "plain_debug": _task_sampler(words.ZH_PLAIN_DEBUG, words.EN_PLAIN_DEBUG, key="q"),
    }
)

# --- short complex requests and the new confounders ---


def s_claim(rng: random.Random, lang: str) -> Slots:
    return {"claim": rng.choice(words.ZH_CLAIMS if lang == "zh" else words.EN_CLAIMS)}


def s_algo_lang(rng: random.Random, lang: str) -> Slots:
    return {
        "algo": rng.choice(words.ZH_ALGOS if lang == "zh" else words.EN_ALGOS),
        "lang": rng.choice(words.CODE_LANGS),
    }


def s_prog_lang(rng: random.Random, lang: str) -> Slots:
    return {
        "prog": rng.choice(words.ZH_PROGS if lang == "zh" else words.EN_PROGS),
        "lang": rng.choice(words.CODE_LANGS),
    }


def s_prog_task(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"ptask": rng.choice(words.ZH_PROG_TASKS), "lang": rng.choice(words.CODE_LANGS)}
    return {"does": rng.choice(words.EN_PROG_DOES), "lang": rng.choice(words.CODE_LANGS)}


def s_trip(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {
            "n": str(rng.randint(3, 10)),
            "place": rng.choice(words.ZH_PLACES),
            "cons": rng.choice(words.ZH_TRIP_CONSTRAINTS),
        }
    return {
        "n": str(rng.randint(3, 14)),
        "place": rng.choice(words.EN_PLACES),
        "who": rng.choice(words.EN_TRIP_FOR),
        "with_": rng.choice(words.EN_TRIP_WITH),
    }


def s_jargon(rng: random.Random, lang: str) -> Slots:
    row = rng.choice(words.JARGON)
    return {"j_zh": row["zh"], "j_en": row["en"]}


def s_weather2(rng: random.Random, lang: str) -> Slots:
    """Two different cities and a day (comparing the weather of two places is still a look-up)."""
    slots = s_weather(rng, lang)
    cities = words.ZH_CITIES if lang == "zh" else words.EN_CITIES
    slots["city2"] = rng.choice([c for c in cities if c != slots["city"]])
    return slots


def s_kw_news(rng: random.Random, lang: str) -> Slots:
    news, reply = rng.choice(words.ZH_KW_NEWS if lang == "zh" else words.EN_KW_NEWS)
    return {"news": news, "news_reply": reply, "tail": rng.choice(words.ZH_TAILS if lang == "zh" else words.EN_TAILS)}


def _merged(*samplers: Sampler) -> Sampler:
    """A sampler drawing each of `samplers` in order and merging their slots."""

    def sample(rng: random.Random, lang: str) -> Slots:
        slots: Slots = {}
        for sampler in samplers:
            slots.update(sampler(rng, lang))
        return slots

    return sample


s_topic = _task_sampler(words.ZH_TOPICS, words.EN_TOPICS, key="topic")
# Durations of a work session or a stretch of reading (a 30-second timer would not fit those requests).
s_long_dur = _task_sampler(
    ("20分钟", "25分钟", "半小时", "40分钟", "45分钟", "1小时", "一个半小时"),
    ("20 minutes", "25 minutes", "30 minutes", "45 minutes", "an hour", "an hour and a half"),
    key="dur",
)
s_prog = _task_sampler(words.ZH_PROGS, words.EN_PROGS, key="prog")

SAMPLERS.update(
    {
        "claim": s_claim,
        "fact": _task_sampler(words.ZH_FACTS, words.EN_FACTS, key="fact"),
        "theorem": _task_sampler(words.ZH_THEOREMS, words.EN_THEOREMS, key="theorem"),
        "deriv": _task_sampler(words.ZH_DERIVATIONS, words.EN_DERIVATIONS, key="deriv"),
        "algo": _task_sampler(words.ZH_ALGOS, words.EN_ALGOS, key="algo"),
        "algo_lang": s_algo_lang,
        "prog": s_prog,
        "prog_lang": s_prog_lang,
        "prog_task": s_prog_task,
        "topic": s_topic,
        "trip": s_trip,
        "goal": _task_sampler(words.ZH_GOALS, words.EN_GOALS, key="goal"),
        "jargon": s_jargon,
        "time_jargon": _merged(s_time, s_jargon),
        "jargon_tail": _adding(s_jargon, tail=(words.ZH_TAILS, words.EN_TAILS)),
        "dur_prog": _merged(s_duration, s_prog),
        "time_topic": _merged(s_time, s_topic),
        "weather2": s_weather2,
        "kw_news": s_kw_news,
        "long_dur": s_long_dur,
        "kw_long_dur_act": _adding(s_long_dur, act=_KW_ACT),
        "kw_dnd_until": _adding(s_dnd_until, doc=_KW_DOC),
        "kw_appliance_doc": _adding(s_appliance, doc=_KW_DOC),
        "kw_door": _adding(s_door, meeting=(words.ZH_KW_MEETINGS, words.EN_KW_MEETINGS)),
        "kw_room_pct": _adding(s_room_pct_high, act=_KW_ACT),
        "kw_room_pct_low_doc": _adding(s_room_pct_low, doc=_KW_DOC),
        "kw_world_doc": _adding(s_world_city, doc=_KW_DOC),
        "kw_act": _adding(s_none, act=_KW_ACT),
        "tail": _adding(s_none, tail=(words.ZH_TAILS, words.EN_TAILS)),
    }
)
