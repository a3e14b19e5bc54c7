"""Slot samplers of the raw-data generator (`edgecloud.data.datagen`): device control, times, look-ups,
translation and arithmetic.

A sampler is ``(rng, lang) -> slots``: it draws one fill of a template's slots from the word tables
(`datagen_words`), using only the ``random.Random`` it is given. Arithmetic and unit-conversion replies
are computed exactly with ``Fraction`` and rounded half-up, so the model is not taught wrong numbers.
The registry that templates name their sampler in is `datagen_samplers.SAMPLERS`.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Callable, Sequence

from edgecloud.data import datagen_words as words

Slots = dict[str, str]
Sampler = Callable[[random.Random, str], Slots]


# ---------------------------------------------------------------------------------------------
# Number formatting (exact arithmetic with Fraction, half-up rounding to 2 decimals)


def _round_half_up(q: Fraction, places: int = 2) -> Fraction:
    """Round `q` to `places` decimals, halves away from zero (what people expect, unlike round())."""
    scale = 10**places
    scaled = abs(q) * scale
    whole = int(scaled)  # floor for non-negative values
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Fraction(whole if q >= 0 else -whole, scale)


def _num(q: Fraction, places: int = 2) -> str:
    """Format a number for a reply: integers plain, else at most `places` decimals, no trailing zeros."""
    r = _round_half_up(q, places)
    if r.denominator == 1:
        return str(r.numerator)
    sign = "-" if r < 0 else ""
    whole, frac = divmod(abs(r.numerator) * 10**places // r.denominator, 10**places)
    return f"{sign}{whole}.{frac:0{places}d}".rstrip("0")


def _money(q: Fraction) -> str:
    """Format an amount of money: whole amounts plain, otherwise always two decimals (12.90)."""
    r = _round_half_up(q, 2)
    if r.denominator == 1:
        return str(r.numerator)
    whole, cents = divmod(r.numerator * 100 // r.denominator, 100)
    return f"{whole}.{cents:02d}"


def _equation(expr: str, value: Fraction, text: str) -> str:
    """'expr = text' when `text` is the exact value, else 'expr ≈ text'."""
    exact = Fraction(text.rstrip("%")) / (100 if text.endswith("%") else 1) == value
    return f"{expr} {'=' if exact else '≈'} {text}"


# ---------------------------------------------------------------------------------------------
# Samplers: (rng, lang) -> slots. Each draws one fill of a template's slots.


def pick(rng: random.Random, table: dict[str, Sequence[str]], lang: str) -> str:
    return rng.choice(table[lang])


def s_room(rng: random.Random, lang: str) -> Slots:
    return {"room": pick(rng, words.ROOMS, lang)}


def s_ac_temp(rng: random.Random, lang: str) -> Slots:
    temp = rng.randint(16, 30) if lang == "zh" else rng.randint(62, 80)
    return {"room": pick(rng, words.AC_ROOMS, lang), "temp": str(temp)}


def s_ac_mode(rng: random.Random, lang: str) -> Slots:
    feel, mode = rng.choice(words.ZH_AC_FEEL if lang == "zh" else words.EN_AC_FEEL)
    if lang == "zh":
        temp = rng.randint(22, 27) if mode != "制热" else rng.randint(20, 26)
    else:
        temp = rng.randint(68, 76) if mode == "cool" else rng.randint(66, 74)
    return {"room": pick(rng, words.AC_ROOMS, lang), "feel": feel, "mode": mode, "temp": str(temp)}


def s_light(rng: random.Random, lang: str) -> Slots:
    room = pick(rng, words.ROOMS, lang)
    if lang == "zh":
        verb, state = rng.choice((("打开", "打开"), ("开一下", "打开"), ("关掉", "关闭"), ("关了", "关闭")))
        return {"room": room, "light_verb": verb, "light_state": state}
    return {"room": room, "on_off": rng.choice(("on", "off"))}


def s_room_pct(rng: random.Random, lang: str) -> Slots:
    return {"room": pick(rng, words.ROOMS, lang), "pct": str(rng.randrange(10, 101, 10))}


def s_room_pct_high(rng: random.Random, lang: str) -> Slots:
    return {"room": pick(rng, words.ROOMS, lang), "pct": str(rng.randrange(50, 101, 10))}


def s_room_pct_low(rng: random.Random, lang: str) -> Slots:
    return {"room": pick(rng, words.ROOMS, lang), "pct": str(rng.randrange(10, 61, 10))}


def s_screen_pct(rng: random.Random, lang: str) -> Slots:
    return {"pct": str(rng.randrange(10, 101, 10))}


def s_curtain(rng: random.Random, lang: str) -> Slots:
    room = pick(rng, words.ROOMS, lang)
    if lang == "zh":
        return {"room": room, "curtain_verb": rng.choice(("拉开", "拉上", "打开", "关上"))}
    verb, ing = rng.choice((("open", "opening"), ("close", "closing")))
    return {
        "room": room,
        "curtain_verb": verb,
        "curtain_ing": ing,
        "shade": rng.choice(("curtains", "blinds", "shades")),
    }


def s_volume(rng: random.Random, lang: str) -> Slots:
    return {"vol": str(rng.randrange(5, 101, 5))}


def s_volume_step(rng: random.Random, lang: str) -> Slots:
    return {"device": pick(rng, words.VOLUME_DEVICES, lang), "step": str(rng.randint(2, 5))}


def s_toggle(rng: random.Random, lang: str) -> Slots:
    item, item_r = rng.choice(words.TOGGLE_ITEMS[lang])
    on = rng.random() < 0.5
    if lang == "zh":
        return {
            "item": item,
            "toggle_verb": rng.choice(("打开", "开启")) if on else rng.choice(("关闭", "关掉")),
            "toggle_tail": rng.choice(("开一下", "打开", "开开")) if on else rng.choice(("关一下", "关掉", "关了吧")),
            "toggle_state": "已打开" if on else "已关闭",
        }
    return {"item": item, "item_r": item_r, "on_off": "on" if on else "off"}


def s_dnd_until(rng: random.Random, lang: str) -> Slots:
    return {"until": rng.choice(words.ZH_DND_UNTIL if lang == "zh" else words.EN_DND_UNTIL)}


def s_dnd_dur(rng: random.Random, lang: str) -> Slots:
    return {"dur": rng.choice(words.ZH_DND_DURATIONS if lang == "zh" else words.EN_DND_DURATIONS)}


def s_appliance(rng: random.Random, lang: str) -> Slots:
    room, appliance = pick(rng, words.ROOMS, lang), pick(rng, words.APPLIANCES, lang)
    if lang == "zh":
        verb, state = rng.choice((("打开", "打开"), ("开一下", "打开"), ("关掉", "关闭"), ("关一下", "关闭")))
        return {"room": room, "appliance": appliance, "app_verb": verb, "app_state": state}
    return {"room": room, "appliance": appliance, "on_off": rng.choice(("on", "off"))}


def s_light_color(rng: random.Random, lang: str) -> Slots:
    return {"room": pick(rng, words.ROOMS, lang), "color": pick(rng, words.LIGHT_COLORS, lang)}


def s_water_temp(rng: random.Random, lang: str) -> Slots:
    return {"wtemp": str(rng.randrange(40, 66, 5) if lang == "zh" else rng.randrange(105, 141, 5))}


def s_door(rng: random.Random, lang: str) -> Slots:
    return {
        "door": pick(rng, words.DOORS, lang),
        "please": rng.choice(("", "吧", "，谢谢") if lang == "zh" else ("", " please", ", thanks")),
    }


# --- times ---


def zh_time(rng: random.Random, morning: bool = False, with_day: bool = True) -> tuple[str, str]:
    """A zh time expression as typed ('明天下午3点半') and its 24-hour clock ('15:30')."""
    period, hours = ("早上", (5, 6, 7, 8)) if morning else rng.choice(words.ZH_PERIODS)
    hour = rng.choice(hours)
    mtext, minute = rng.choice(words.ZH_MINUTES)
    day = rng.choice(words.ZH_MORNING_DAYS if morning else words.ZH_DAYS) if with_day else ""
    label = day + period
    if day == "今天" and period == "晚上":
        label = "今晚"
    elif day == "明天" and period == "早上" and rng.random() < 0.5:
        label = "明早"
    hour24 = hour + 12 if period in ("下午", "晚上") else hour
    return f"{label}{hour}点{mtext}", f"{hour24}:{minute:02d}"


def en_time(rng: random.Random, morning: bool = False, with_day: bool = True) -> str:
    """An en time expression such as '7:30 am tomorrow' or '3 pm on Friday'."""
    hour24 = rng.randint(5, 9) if morning else rng.randint(6, 22)
    minute = rng.choice(words.EN_MINUTES)
    hour = hour24 - 12 if hour24 > 12 else hour24
    suffix = "am" if hour24 < 12 else "pm"
    clock = f"{hour}:{minute:02d} {suffix}" if minute else f"{hour} {suffix}"
    if hour24 == 12 and minute == 0:
        clock = "noon"
    day = rng.choice(words.EN_MORNING_DAYS if morning else words.EN_DAYS) if with_day else ""
    return f"{clock} {day}".strip()


def _a_an(adjective: str) -> str:
    """'a 5-minute' / 'an 8-minute' / 'an 11-minute' (by sound, for the number-led adjectives here)."""
    return ("an " if adjective.startswith(("8", "11", "18")) else "a ") + adjective


def s_duration(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"dur": rng.choice(words.ZH_DURATIONS)}
    dur, adj = rng.choice(words.EN_DURATIONS)
    return {"dur": dur, "a_dur_adj": _a_an(adj)}


def s_duration_task(rng: random.Random, lang: str) -> Slots:
    task, task_r = rng.choice(words.ZH_TASKS if lang == "zh" else words.EN_TASKS)
    return {**s_duration(rng, lang), "task": task, "task_r": task_r}


def s_cook_timer(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"food": rng.choice(words.ZH_FOODS), "dur": rng.choice(words.ZH_SHORT_DURATIONS)}
    dur, adj = rng.choice(words.EN_SHORT_DURATIONS)
    return {"food": rng.choice(words.EN_FOODS), "dur": dur, "a_dur_adj": _a_an(adj)}


def s_snooze(rng: random.Random, lang: str) -> Slots:
    return {"dur": rng.choice(words.ZH_SNOOZE if lang == "zh" else words.EN_SNOOZE)}


def s_time(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        text, clock = zh_time(rng)
        return {"time": text, "clock": clock}
    return {"time": en_time(rng)}


def s_time_morning(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        text, clock = zh_time(rng, morning=True)
        return {"time": text, "clock": clock}
    return {"time": en_time(rng, morning=True)}


def s_clock_morning(rng: random.Random, lang: str) -> Slots:
    """A morning time without a day, for repeating alarms."""
    if lang == "zh":
        text, clock = zh_time(rng, morning=True, with_day=False)
        return {"time": text, "clock": clock}
    return {"time": en_time(rng, morning=True, with_day=False)}


def s_time_task(rng: random.Random, lang: str) -> Slots:
    task, task_r = rng.choice(words.ZH_TASKS if lang == "zh" else words.EN_TASKS)
    return {**s_time(rng, lang), "task": task, "task_r": task_r}


def s_daily_task(rng: random.Random, lang: str) -> Slots:
    task, task_r = rng.choice(words.ZH_TASKS if lang == "zh" else words.EN_TASKS)
    if lang == "zh":
        text, clock = zh_time(rng, with_day=False)
        return {"time": text, "clock": clock, "task": task, "task_r": task_r}
    return {"time": en_time(rng, with_day=False), "task": task, "task_r": task_r}


def s_meeting_lead(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        text, clock = zh_time(rng, with_day=False)
        return {"time": text, "clock": clock, "lead": rng.choice(words.ZH_LEAD)}
    return {"time": en_time(rng, with_day=False), "lead": rng.choice(words.EN_LEAD)}


# --- lookups ---


def s_weather(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"city": rng.choice(words.ZH_CITIES), "day": rng.choice(words.ZH_WEATHER_DAYS)}
    day, day_poss = rng.choice(words.EN_WEATHER_DAYS)
    return {"city": rng.choice(words.EN_CITIES), "day": day, "day_poss": day_poss}


def s_world_city(rng: random.Random, lang: str) -> Slots:
    return {"wcity": rng.choice(words.ZH_WORLD_CITIES if lang == "zh" else words.EN_WORLD_CITIES)}


def _en_unit(unit: str, value: str) -> str:
    _, singular, plural = words.UNIT_NAMES[unit]
    return singular if Fraction(value) == 1 else plural


def conversion_sampler(kind: str, values: Sequence[str] | None = None) -> Sampler:
    """Sampler for converting unit a to unit b ('km_mi'): the source value (from `values`, default
    words.CONVERSION_VALUES of the source unit) and the exact reply."""
    src, dst = kind.split("_")

    def sample(rng: random.Random, lang: str) -> Slots:
        x = rng.choice(values or words.CONVERSION_VALUES[src])
        y = words.CONVERSIONS[kind](Fraction(x))
        y_text = _num(y)
        exact = Fraction(y_text) == y
        if lang == "zh":
            result = (
                f"{x} {words.UNIT_NAMES[src][0]}{'等于' if exact else '约等于'} {y_text} {words.UNIT_NAMES[dst][0]}"
            )
            return {"x": x, "result": result}
        result = f"{x} {_en_unit(src, x)} {'is' if exact else 'is about'} {y_text} {_en_unit(dst, y_text)}"
        return {"x": x, "xu": f"{x} {_en_unit(src, x)}", "result": result}

    return sample


# --- translation ---


def _bare(text: str) -> str:
    return text.rstrip("？?！!。. ")


def _lower_first(text: str) -> str:
    if text.startswith(("I ", "I'")):
        return text
    return text[:1].lower() + text[1:]


def s_phrase(rng: random.Random, lang: str) -> Slots:
    row = rng.choice(words.PHRASES)
    return {
        "zh": row["zh"],
        "zh_bare": _bare(row["zh"]),
        "en": row["en"],
        "en_bare": _bare(row["en"]),
        "en_lc": _lower_first(_bare(row["en"])),
        "ja": row["ja"],
        "fr": row["fr"],
    }


# --- arithmetic (exact, with Fraction) ---


def s_mul(rng: random.Random, lang: str) -> Slots:
    a, b = rng.randint(11, 99), rng.randint(2, 99)
    return {"a": str(a), "b": str(b), "line": f"{a} × {b} = {a * b}"}


def s_add(rng: random.Random, lang: str) -> Slots:
    a, b = rng.randint(10, 999), rng.randint(10, 999)
    return {"a": str(a), "b": str(b), "line": f"{a} + {b} = {a + b}"}


def s_sub(rng: random.Random, lang: str) -> Slots:
    a = rng.randint(100, 999)
    b = rng.randint(10, a - 1)
    return {"a": str(a), "b": str(b), "line": f"{a} − {b} = {a - b}"}


def s_div(rng: random.Random, lang: str) -> Slots:
    if rng.random() < 0.5:
        b = rng.randint(2, 12)
        a = b * rng.randint(2, 99)
    else:
        b = rng.randint(3, 9)
        a = rng.randint(10, 500)
    value = Fraction(a, b)
    return {"a": str(a), "b": str(b), "line": _equation(f"{a} ÷ {b}", value, _num(value))}


def s_square(rng: random.Random, lang: str) -> Slots:
    a = rng.randint(11, 99)
    return {"a": str(a), "line": f"{a} × {a} = {a * a}"}


def s_sum3(rng: random.Random, lang: str) -> Slots:
    a, b, c = rng.randint(5, 500), rng.randint(5, 500), rng.randint(5, 500)
    return {"a": str(a), "b": str(b), "c": str(c), "line": f"{a} + {b} + {c} = {a + b + c}"}


def s_combo(rng: random.Random, lang: str) -> Slots:
    a, b, c = rng.randint(2, 60), rng.randint(2, 60), rng.randint(2, 12)
    return {"a": str(a), "b": str(b), "c": str(c), "line": f"({a} + {b}) × {c} = {(a + b) * c}"}


def s_percent(rng: random.Random, lang: str) -> Slots:
    p = rng.choice((5, 8, 10, 12, 15, 18, 20, 25, 30, 35, 40, 45, 50, 60, 75))
    base = rng.choice((rng.randint(2, 200) * 10, rng.randint(20, 999)))
    value = Fraction(base * p, 100)
    return {"p": str(p), "base": str(base), "line": _equation(f"{base} × {p}%", value, _num(value))}


def s_tip(rng: random.Random, lang: str) -> Slots:
    p = rng.choice((10, 12, 15, 18, 20, 22, 25))
    bill = rng.randint(18, 260)
    tip = Fraction(bill * p, 100)
    total = bill + _round_half_up(tip)
    return {
        "p": str(p),
        "bill": str(bill),
        "line": _equation(f"{bill} × {p}%", tip, _money(tip)),
        "total": _money(total),
    }


def s_average(rng: random.Random, lang: str) -> Slots:
    nums = [rng.randint(10, 100) for _ in range(rng.choice((3, 3, 4, 5)))]
    value = Fraction(sum(nums), len(nums))
    expr = f"({' + '.join(map(str, nums))}) ÷ {len(nums)}"
    listed = "、".join(map(str, nums)) if lang == "zh" else ", ".join(map(str, nums[:-1])) + f" and {nums[-1]}"
    return {"nums": listed, "line": _equation(expr, value, _num(value))}


def s_discount(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        label, mult = rng.choice(
            (
                ("9折", "0.9"),
                ("8折", "0.8"),
                ("85折", "0.85"),
                ("75折", "0.75"),
                ("7折", "0.7"),
                ("6折", "0.6"),
                ("5折", "0.5"),
                ("95折", "0.95"),
                ("88折", "0.88"),
            )
        )
        price = rng.choice((rng.randint(3, 99) * 10 - 1, rng.randint(20, 999)))
        value = price * Fraction(mult)
        return {"price": str(price), "z": label, "line": _equation(f"{price} × {mult}", value, _money(value))}
    p = rng.choice((10, 15, 20, 25, 30, 40, 50, 60))
    price = rng.choice((rng.randint(2, 40) * 5, rng.randint(10, 300)))
    value = price * (1 - Fraction(p, 100))
    return {"price": str(price), "p": str(p), "line": _equation(f"{price} × (1 − {p}%)", value, _money(value))}


def s_split(rng: random.Random, lang: str) -> Slots:
    total, k = rng.randint(60, 1500), rng.randint(2, 8)
    value = Fraction(total, k)
    return {"total": str(total), "k": str(k), "line": _equation(f"{total} ÷ {k}", value, _money(value))}


def s_pct_change(rng: random.Random, lang: str) -> Slots:
    old = rng.randint(10, 400)
    new = old + rng.randint(1, max(2, old // 2))
    value = Fraction(new - old, old)
    text = _num(value * 100) + "%"
    return {"old": str(old), "new": str(new), "line": _equation(f"({new} − {old}) ÷ {old} × 100%", value, text)}
