"""Seeded generator of the raw dataset of requests to an on-device (edge) assistant.

Why this module exists
----------------------
The thesis fine-tunes a small on-device model to answer simple requests itself and to reply
"转发云端 / forward to cloud" for complex ones. The raw data it learns from must be

* realistic: many genuinely different phrasings per intent, in natural Simplified Chinese and
  English, with slot fills (rooms, cities, times, numbers, phrases, topics, claims, programs);
* correct: arithmetic and unit-conversion replies are computed exactly (``fractions``), and
  translations come from hand-checked phrase tables, so the model is not taught wrong facts;
* reproducible: the committed script regenerates the committed file byte for byte. Only
  ``random.Random(seed)`` is used - never the global RNG, the clock, or ``hash()`` of strings
  (which depends on PYTHONHASHSEED) - and every table is a tuple iterated in a fixed order;
* split-friendly: every record carries a ``group`` naming the phrasing template it came from.
  The downstream train/valid/test split keeps whole groups together, so test phrasings never
  occur in training. Groups are small (1-6 records) so exact split sizes are reachable.

Edge records (``needs_cloud`` false) carry the reply a good on-device assistant would give.
Complex records (``needs_cloud`` true) carry ``response: null``; the converter fills in the fixed
forward-to-cloud reply. No edge reply ever mentions forwarding to the cloud.

Surface cues do not give the label away
---------------------------------------
The thesis compares the fine-tuned router with a keyword/length heuristic (forward when a request
contains a complex-task word such as prove/derive/analyze/plan/itinerary/code/algorithm/essay/
report/compare/strategy/design/optimize, 证明/推导/分析/规划/计划/行程/代码/实现/算法/论文/报告/详细/步骤/比较/
策略/设计/优化, or is longer than 40 Chinese / 120 English characters). If every complex request
had such a word and every simple one lacked it, that heuristic would route perfectly and the
comparison would say nothing - and a model trained on such data learns the words and the length,
not the task: it forwards "translate 'proof'" and keeps "Prove that √2 is irrational." at the
edge. Real traffic is not like that: people mention their report while setting a reminder, ask how
to say "algorithm" in French, tell a story before asking for the weather - and ask hard questions
in one short line ("推导一下二次方程求根公式", "quicksort in Rust?") or without naming the task
("为什么 1/n 的级数发散？"). So every template has a ``cue``:

* KEYWORD (edge): a simple request that mentions a complex-task word in one of many roles (the
  document a reminder is about, the work a timer or a lamp is for, a word being translated, the
  homework a multiplication comes from, "比较" meaning "rather", good or bad news in chit-chat),
  with a correct simple reply; 25% of every edge (category, language) stratum;
* LONG (edge): a simple request in chatty context, longer than 40 / 120 characters, with none of
  those words; 12% of every edge stratum;
* PLAIN (complex): a request that clearly needs multi-step reasoning, long writing, planning under
  constraints or real programming, phrased without any of those words; 30% of every complex stratum;
* SHORT (complex): a complex request no longer than 40 / 120 characters, usually far shorter
  (median about 15 / 50): bare claims and terse imperatives ("证明{claim}", "Derive {deriv}.",
  "用{lang}写个{prog}", "Plan a {n}-day trip to {place} for {who}.", "分析一下{topic}"), casual
  one-liners and the odd typo ("推倒一下...", "proove that ..."), with or without a keyword, drawn
  from large tables of claims, derivations, algorithms, programs, topics, places and goals;
  35% of every complex stratum (with the PLAIN questions, most complex requests are short);
* TYPICAL: the rest, whose cues agree with the label. Typical edge templates also name hard
  subjects without asking for them (translate "勾股定理", review your quicksort notes), and
  several are a few characters long ("48*26", "timer 3 minutes").

The shares are per stratum (round(quota * share), see ``cue_quotas``), so they hold for every
category, both languages and every seed; at n=1000 a keyword-or-length rule gets only ~61% right
(keywords alone ~68%, below always-edge's 80%). Misleading templates are ordinary paraphrase
groups like all others.

Conversations
-------------
The edge model sees the chat so far and must route the LAST user turn. So round(quota * 0.2) records
of every stratum (``CONVERSATION_SHARE``) carry 1-2 earlier exchanges (user + assistant) before
their request: usually a forwarded complex request (assistant: the forward reply) before a simple
one, usually a simple exchange (with its correct reply) before a complex one, sometimes two
exchanges of either kind, about one exchange in seven in the other language. Label, category,
group and reply are those of the final request. These records use the ms-swift messages layout
with the metadata (``CONVERSATION_FIELDS``: ``messages`` ends with the final user turn, ``response``
is its reply, null when it forwards); single requests keep the plain layout (``FIELDS``). History
phrasings (``HISTORY_TEMPLATES``) are never final requests, and no history request repeats any
other request of the file, so no test request is trained on as someone else's history.

Files
-----
``data/raw/edge_requests_v2.jsonl`` is made by this version:
``python -m edgecloud.data.datagen --n 1000 --seed 20260210 --out data/raw/edge_requests_v2.jsonl``.
``data/raw/edge_requests_v1.jsonl`` (500 records) and ``data/raw/edge_requests_smoke.jsonl`` (60)
were made by the previous version (git commit 36e4528: single requests only, no SHORT cue,
KEYWORD 18% / PLAIN 40%) and are kept unchanged because earlier runs refer to them; this version
no longer reproduces them (``git show 36e4528:src/edgecloud/datagen.py`` does).
"""
from __future__ import annotations

import argparse
import random
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Sequence

from edgecloud.jsonio import write_jsonl

# ---------------------------------------------------------------------------------------------
# Dataset shape

FIELDS = ("id", "lang", "category", "needs_cloud", "group", "query", "response")
# A conversation record (earlier turns before the final request) uses ms-swift's messages layout:
# `messages` ends with the final user turn; `response` is the reply to that turn (None: forward).
CONVERSATION_FIELDS = ("id", "lang", "category", "needs_cloud", "group", "messages", "response")
# The reply of a forwarded turn in a conversation's history (= edgecloud.params.DEFAULT_FORWARD_REPLY;
# the converter replaces it by data.forward_reply).
FORWARD_REPLY = "转发云端 (forward to cloud)"
LANGS = ("zh", "en")
EDGE_CATEGORIES = ("device_control", "timer_reminder", "lookup", "translation", "arithmetic", "chitchat")
CLOUD_CATEGORIES = ("proof_derivation", "long_analysis", "planning", "coding")
CATEGORIES = EDGE_CATEGORIES + CLOUD_CATEGORIES

MAX_GROUP_SIZE = 6
# Draw weights of a group's size (1..6): mostly 2-4, so the exact-size split has small pieces.
GROUP_SIZE_WEIGHTS = ((1, 6), (2, 24), (3, 32), (4, 24), (5, 9), (6, 5))
# Slot draws tried per record before a template counts as exhausted (all fills already used).
MAX_DRAWS_PER_RECORD = 40
# Bounds a generated query must respect (a template producing anything else is a bug here).
MIN_QUERY_CHARS, MAX_QUERY_CHARS = 2, 220

# Surface cues of a template (see the module docstring). TYPICAL: the cues agree with the label.
# KEYWORD (edge): a simple request that mentions a complex-task word. LONG (edge): a simple request
# in chatty context, longer than 40 characters (zh) / 120 (en), without such words. PLAIN (complex): a complex
# request phrased without any such word. SHORT (complex): a complex request no longer than
# those lengths, usually far shorter ("证明√2是无理数", "Derive the quadratic formula.").
TYPICAL, KEYWORD, LONG, PLAIN, SHORT = "typical", "keyword", "long", "plain", "short"
# Share of every (category, language) stratum drawn from the templates of each misleading cue;
# the rest comes from TYPICAL templates. Per stratum the count is round(stratum quota * share).
EDGE_CUE_SHARES = {KEYWORD: 0.25, LONG: 0.12}
CLOUD_CUE_SHARES = {PLAIN: 0.30, SHORT: 0.35}
# Share of every (category, language) stratum whose final request gets 1-2 earlier turns.
CONVERSATION_SHARE = 0.2
# Earlier turns of a conversation: P(two pairs rather than one); P(the pair just before the final
# request is complex) when the final request is simple / complex; P(a pair is in the other language).
HISTORY_TWO_PAIRS = 0.35
HISTORY_LAST_COMPLEX = {False: 0.6, True: 0.25}
HISTORY_OTHER_LANG = 0.15

Slots = dict[str, str]
Sampler = Callable[[random.Random, str], Slots]


@dataclass(frozen=True)
class Template:
    """One phrasing of one intent in one language; all its records form one paraphrase group.

    ``query`` and ``response`` are ``str.format`` patterns over the slots returned by the sampler
    named ``sampler``. A slot ``foo`` is also available as ``Foo`` (first letter upper-cased), for
    slots that start a sentence. ``response`` is None for complex (cloud) templates. ``cue`` says
    whether the phrasing's surface cues agree with its label (TYPICAL) or mislead (KEYWORD, LONG,
    PLAIN, SHORT); it decides which share of a stratum the template draws from, and is not written out.
    """

    query: str
    response: str | None
    sampler: str
    cue: str = TYPICAL


T = Template  # short alias for the tables below

# ---------------------------------------------------------------------------------------------
# Slot tables. Paired tables are (zh, en) or (query form, reply form) tuples.

ROOMS = {
    "zh": ("客厅", "卧室", "主卧", "次卧", "书房", "厨房", "餐厅", "儿童房", "阳台", "卫生间", "玄关"),
    "en": ("living room", "bedroom", "master bedroom", "guest room", "office", "kitchen", "dining room",
           "kids' room", "basement", "bathroom", "hallway"),
}
# Rooms that plausibly have an air conditioner.
AC_ROOMS = {
    "zh": ("客厅", "卧室", "主卧", "次卧", "书房", "餐厅", "儿童房"),
    "en": ("living room", "bedroom", "master bedroom", "guest room", "office", "dining room", "kids' room", "basement"),
}
APPLIANCES = {
    "zh": ("空气净化器", "加湿器", "电风扇", "电视", "除湿机", "电暖器", "落地灯"),
    "en": ("air purifier", "humidifier", "fan", "TV", "space heater", "dehumidifier", "floor lamp"),
}
LIGHT_COLORS = {
    "zh": ("暖光", "冷白光", "阅读模式", "夜灯模式", "观影模式", "暖黄色"),
    "en": ("warm white", "cool white", "reading mode", "night-light mode", "movie mode", "soft yellow"),
}
DOORS = {"zh": ("大门", "入户门", "后门", "车库门", "阳台门"), "en": ("front door", "back door", "garage door", "side door")}
VOLUME_DEVICES = {"zh": ("电视", "音箱", "手机"), "en": ("TV", "speaker", "soundbar")}
# (query name, reply name): the en reply name may need an article / capital.
TOGGLE_ITEMS = {
    "zh": (("蓝牙", "蓝牙"), ("Wi-Fi", "Wi-Fi"), ("个人热点", "个人热点"), ("飞行模式", "飞行模式"),
           ("定位服务", "定位服务"), ("NFC", "NFC"), ("省电模式", "省电模式"), ("深色模式", "深色模式")),
    "en": (("Bluetooth", "Bluetooth"), ("Wi-Fi", "Wi-Fi"), ("the hotspot", "the hotspot"),
           ("airplane mode", "airplane mode"), ("location sharing", "location sharing"),
           ("battery saver", "battery saver"), ("dark mode", "dark mode"), ("NFC", "NFC")),
}
ZH_DND_UNTIL = ("明早7点", "明天早上8点", "下午3点", "晚上10点", "中午12点", "下午5点半", "明早6点半", "下午2点")
EN_DND_UNTIL = ("7 am", "8 tomorrow morning", "3 pm", "10 tonight", "noon", "5:30 pm", "6:30 tomorrow morning", "2 pm")
ZH_DND_DURATIONS = ("半小时", "1小时", "2小时", "45分钟", "90分钟", "20分钟")
EN_DND_DURATIONS = ("30 minutes", "an hour", "two hours", "45 minutes", "90 minutes", "20 minutes")
# (how the user feels, AC mode)
ZH_AC_FEEL = (("好热", "制冷"), ("热死了", "制冷"), ("有点闷", "制冷"), ("好冷", "制热"), ("太冷了", "制热"),
              ("有点潮", "除湿"))
EN_AC_FEEL = (("boiling", "cool"), ("way too hot", "cool"), ("stuffy", "cool"), ("freezing", "heat"),
              ("chilly", "heat"))

# Durations: zh text, (en text, en adjective form).
ZH_DURATIONS = ("30秒", "1分钟", "2分钟", "3分钟", "5分钟", "8分钟", "10分钟", "12分钟", "15分钟", "20分钟", "25分钟",
                "半小时", "40分钟", "45分钟", "1小时", "一个半小时", "2小时", "3小时")
EN_DURATIONS = (("30 seconds", "30-second"), ("1 minute", "1-minute"), ("2 minutes", "2-minute"),
                ("3 minutes", "3-minute"), ("5 minutes", "5-minute"), ("8 minutes", "8-minute"),
                ("10 minutes", "10-minute"), ("12 minutes", "12-minute"), ("15 minutes", "15-minute"),
                ("20 minutes", "20-minute"), ("25 minutes", "25-minute"), ("half an hour", "half-hour"),
                ("40 minutes", "40-minute"), ("45 minutes", "45-minute"), ("an hour", "one-hour"),
                ("an hour and a half", "90-minute"), ("2 hours", "2-hour"), ("3 hours", "3-hour"))
ZH_SHORT_DURATIONS = ("3分钟", "5分钟", "8分钟", "10分钟", "12分钟", "15分钟", "20分钟", "25分钟", "半小时", "40分钟")
EN_SHORT_DURATIONS = EN_DURATIONS[3:13]
ZH_SNOOZE = ("5分钟", "10分钟", "15分钟", "20分钟", "半小时")
EN_SNOOZE = ("5 minutes", "10 minutes", "15 minutes", "20 minutes", "half an hour")
ZH_LEAD = ("5分钟", "10分钟", "15分钟", "半小时")
EN_LEAD = ("5 minutes", "10 minutes", "15 minutes", "half an hour")
ZH_FOODS = ("鸡蛋", "面条", "饺子", "粥", "排骨", "玉米", "汤圆")
EN_FOODS = ("eggs", "pasta", "rice", "dumplings", "potatoes", "corn on the cob")

# Times of day. zh: (period, possible hours); minutes: (text, minute).
ZH_DAYS = ("", "", "今天", "明天", "后天", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "下周一", "这周五")
ZH_MORNING_DAYS = ("", "明天", "周六", "周一", "后天")
ZH_PERIODS = (("早上", (5, 6, 7, 8)), ("上午", (8, 9, 10, 11)), ("中午", (12,)), ("下午", (1, 2, 3, 4, 5, 6)),
              ("晚上", (7, 8, 9, 10)))
ZH_MINUTES = (("", 0), ("", 0), ("半", 30), ("一刻", 15), ("10分", 10), ("20分", 20), ("40分", 40), ("45分", 45))
EN_DAYS = ("", "", "today", "tomorrow", "tomorrow", "on Monday", "on Tuesday", "on Wednesday", "on Thursday",
           "on Friday", "on Saturday", "on Sunday", "next Monday")
EN_MORNING_DAYS = ("", "tomorrow", "on Saturday", "on Monday")
EN_MINUTES = (0, 0, 15, 30, 45, 10, 20, 40)

# Reminder tasks: (as the user says it, as the assistant echoes it).
ZH_TASKS = (("交房租", "交房租"), ("给妈妈打个电话", "给妈妈打电话"), ("吃药", "吃药"), ("取快递", "取快递"),
            ("开周会", "开周会"), ("去接孩子", "去接孩子"), ("交电费", "交电费"), ("给猫喂粮", "给猫喂粮"),
            ("倒垃圾", "倒垃圾"), ("给花浇水", "给花浇水"), ("还图书馆的书", "还图书馆的书"), ("预约体检", "预约体检"),
            ("买牛奶", "买牛奶"), ("给车充电", "给车充电"), ("交周报", "交周报"), ("收衣服", "收衣服"),
            ("把衣服从洗衣机里拿出来", "把衣服从洗衣机里拿出来"))
EN_TASKS = (("pay the rent", "pay the rent"), ("call Mom", "call Mom"), ("take my meds", "take your meds"),
            ("pick up my package", "pick up your package"), ("join the weekly sync", "join the weekly sync"),
            ("pick up the kids", "pick up the kids"), ("pay the electric bill", "pay the electric bill"),
            ("feed the cat", "feed the cat"), ("take out the trash", "take out the trash"),
            ("water the plants", "water the plants"), ("return my library books", "return your library books"),
            ("book a dentist appointment", "book a dentist appointment"), ("buy milk", "buy milk"),
            ("charge my car", "charge your car"), ("send the weekly report", "send the weekly report"),
            ("move the laundry to the dryer", "move the laundry to the dryer"),
            ("renew my passport", "renew your passport"))

ZH_CITIES = ("北京", "上海", "广州", "深圳", "杭州", "成都", "重庆", "武汉", "西安", "南京", "苏州", "厦门", "青岛",
             "长沙", "昆明", "哈尔滨", "三亚", "大连", "天津", "拉萨")
EN_CITIES = ("Boston", "Seattle", "Chicago", "London", "Toronto", "Sydney", "Denver", "Austin", "San Francisco",
             "New York", "Miami", "Vancouver", "Dublin", "Edinburgh", "Melbourne", "Portland", "Atlanta")
ZH_WORLD_CITIES = ("纽约", "伦敦", "东京", "巴黎", "悉尼", "洛杉矶", "柏林", "迪拜", "新加坡", "莫斯科", "温哥华",
                   "首尔", "曼谷", "旧金山")
EN_WORLD_CITIES = ("Tokyo", "London", "Paris", "Sydney", "Singapore", "Dubai", "Berlin", "Mumbai", "Beijing",
                   "Shanghai", "Seoul", "Los Angeles", "Honolulu", "São Paulo")
ZH_WEATHER_DAYS = ("今天", "明天", "后天", "周末", "这周六", "下周一", "今晚", "明天上午", "明天下午")
EN_WEATHER_DAYS = (("today", "today's"), ("tomorrow", "tomorrow's"), ("tonight", "tonight's"),
                   ("this weekend", "this weekend's"), ("on Saturday", "Saturday's"), ("on Sunday", "Sunday's"),
                   ("on Friday", "Friday's"), ("on Monday", "Monday's"))

# Unit conversion. Exact factors (international mile / pound / inch, US liquid gallon).
KM_PER_MILE = Fraction("1.609344")
KG_PER_POUND = Fraction("0.45359237")
CM_PER_INCH = Fraction("2.54")
LITERS_PER_GALLON = Fraction("3.785411784")
CONVERSIONS: dict[str, Callable[[Fraction], Fraction]] = {
    "km_mi": lambda x: x / KM_PER_MILE,
    "mi_km": lambda x: x * KM_PER_MILE,
    "c_f": lambda x: x * 9 / 5 + 32,
    "f_c": lambda x: (x - 32) * 5 / 9,
    "kg_lb": lambda x: x / KG_PER_POUND,
    "lb_kg": lambda x: x * KG_PER_POUND,
    "cm_in": lambda x: x / CM_PER_INCH,
    "in_cm": lambda x: x * CM_PER_INCH,
    "l_gal": lambda x: x / LITERS_PER_GALLON,
    "gal_l": lambda x: x * LITERS_PER_GALLON,
}
# unit -> (zh name, en singular, en plural)
UNIT_NAMES = {
    "km": ("公里", "km", "km"), "mi": ("英里", "mile", "miles"), "c": ("摄氏度", "°C", "°C"),
    "f": ("华氏度", "°F", "°F"), "kg": ("公斤", "kg", "kg"), "lb": ("磅", "pound", "pounds"),
    "cm": ("厘米", "cm", "cm"), "in": ("英寸", "inch", "inches"), "l": ("升", "liter", "liters"),
    "gal": ("加仑", "gallon", "gallons"),
}
# Source values people actually ask about, per source unit.
CONVERSION_VALUES = {
    "km": ("1", "2", "3", "5", "7.5", "8", "10", "12", "15", "20", "21", "30", "42", "50", "100", "160"),
    "mi": ("1", "2", "3", "4", "5", "6.2", "8", "10", "13.1", "15", "20", "26.2", "30", "50", "60", "100"),
    "c": ("-10", "-5", "0", "5", "10", "15", "18", "20", "22", "25", "28", "30", "35", "37", "40", "100"),
    "f": ("0", "14", "32", "40", "50", "59", "65", "68", "72", "75", "80", "86", "90", "98.6", "100", "212"),
    "kg": ("1", "2", "2.5", "5", "10", "15", "20", "23", "30", "45", "50", "60", "65", "70", "75", "80"),
    "lb": ("1", "2", "5", "8", "10", "15", "20", "25", "50", "100", "120", "135", "150", "160", "180", "200"),
    "cm": ("1", "2.5", "5", "10", "15", "20", "30", "50", "100", "150", "160", "170", "175", "180", "185", "190"),
    "in": ("6", "10", "12", "13", "14", "15.6", "24", "27", "32", "43", "50", "55", "65", "75", "85"),
    "l": ("0.5", "1", "1.5", "2", "3", "4", "5", "10", "15", "20", "40", "50", "60", "75", "100", "200"),
    "gal": ("0.5", "1", "2", "3", "5", "10", "12", "13", "15", "20", "25", "50", "55", "100"),
}

# Everyday phrases with hand-checked translations: zh, en, ja, fr.
PHRASES = (
    {"zh": "谢谢", "en": "Thank you", "ja": "ありがとうございます", "fr": "Merci"},
    {"zh": "早上好", "en": "Good morning", "ja": "おはようございます", "fr": "Bonjour"},
    {"zh": "晚安", "en": "Good night", "ja": "おやすみなさい", "fr": "Bonne nuit"},
    {"zh": "对不起", "en": "I'm sorry", "ja": "ごめんなさい", "fr": "Je suis désolé"},
    {"zh": "洗手间在哪里？", "en": "Where is the restroom?", "ja": "トイレはどこですか？", "fr": "Où sont les toilettes ?"},
    {"zh": "这个多少钱？", "en": "How much is this?", "ja": "これはいくらですか？", "fr": "Combien ça coûte ?"},
    {"zh": "请再说一遍", "en": "Could you say that again, please?", "ja": "もう一度言ってください",
     "fr": "Pouvez-vous répéter, s'il vous plaît ?"},
    {"zh": "买单", "en": "Check, please", "ja": "お会計をお願いします", "fr": "L'addition, s'il vous plaît"},
    {"zh": "很高兴认识你", "en": "Nice to meet you", "ja": "お会いできてうれしいです", "fr": "Ravi de vous rencontrer"},
    {"zh": "生日快乐", "en": "Happy birthday", "ja": "お誕生日おめでとう", "fr": "Joyeux anniversaire"},
    {"zh": "新年快乐", "en": "Happy New Year", "ja": "あけましておめでとうございます", "fr": "Bonne année"},
    {"zh": "我迷路了", "en": "I'm lost", "ja": "道に迷いました", "fr": "Je suis perdu"},
    {"zh": "附近有地铁站吗？", "en": "Is there a subway station nearby?", "ja": "近くに地下鉄の駅はありますか？",
     "fr": "Y a-t-il une station de métro près d'ici ?"},
    {"zh": "我对花生过敏", "en": "I'm allergic to peanuts", "ja": "ピーナッツアレルギーがあります",
     "fr": "Je suis allergique aux cacahuètes"},
    {"zh": "请帮我叫一辆出租车", "en": "Please call me a taxi", "ja": "タクシーを呼んでください",
     "fr": "Pouvez-vous m'appeler un taxi ?"},
    {"zh": "可以刷卡吗？", "en": "Can I pay by card?", "ja": "カードで払えますか？", "fr": "Je peux payer par carte ?"},
    {"zh": "我想订一张两人桌", "en": "I'd like to book a table for two", "ja": "二人で予約したいです",
     "fr": "Je voudrais réserver une table pour deux"},
    {"zh": "今天天气真好", "en": "The weather is lovely today", "ja": "今日はいい天気ですね", "fr": "Il fait beau aujourd'hui"},
    {"zh": "一路平安", "en": "Have a safe trip", "ja": "道中お気をつけて", "fr": "Bon voyage"},
    {"zh": "我饿了", "en": "I'm hungry", "ja": "お腹が空きました", "fr": "J'ai faim"},
    {"zh": "没关系", "en": "It's okay", "ja": "大丈夫です", "fr": "Ce n'est pas grave"},
    {"zh": "你叫什么名字？", "en": "What's your name?", "ja": "お名前は何ですか？", "fr": "Comment vous appelez-vous ?"},
    {"zh": "请说慢一点", "en": "Please speak more slowly", "ja": "もう少しゆっくり話してください",
     "fr": "Pouvez-vous parler plus lentement ?"},
    {"zh": "我听不懂", "en": "I don't understand", "ja": "わかりません", "fr": "Je ne comprends pas"},
    {"zh": "去火车站怎么走？", "en": "How do I get to the train station?", "ja": "駅へはどう行けばいいですか？",
     "fr": "Comment aller à la gare ?"},
    {"zh": "来一杯咖啡，谢谢", "en": "A coffee, please", "ja": "コーヒーを一つお願いします", "fr": "Un café, s'il vous plaît"},
    {"zh": "周末愉快", "en": "Have a nice weekend", "ja": "良い週末を", "fr": "Bon week-end"},
    {"zh": "好久不见", "en": "Long time no see", "ja": "お久しぶりです", "fr": "Ça fait longtemps"},
    {"zh": "我吃素", "en": "I'm vegetarian", "ja": "私はベジタリアンです", "fr": "Je suis végétarien"},
    {"zh": "能便宜一点吗？", "en": "Can you make it a bit cheaper?", "ja": "少し安くなりませんか？",
     "fr": "Vous pouvez baisser un peu le prix ?"},
    {"zh": "我需要看医生", "en": "I need to see a doctor", "ja": "医者に診てもらいたいです",
     "fr": "J'ai besoin de voir un médecin"},
    {"zh": "欢迎", "en": "Welcome", "ja": "ようこそ", "fr": "Bienvenue"},
    {"zh": "小心", "en": "Be careful", "ja": "気をつけて", "fr": "Fais attention"},
    {"zh": "干杯", "en": "Cheers", "ja": "乾杯", "fr": "Santé"},
    {"zh": "请问还有空房间吗？", "en": "Do you have any rooms available?", "ja": "空いている部屋はありますか？",
     "fr": "Avez-vous des chambres disponibles ?"},
    {"zh": "祝你好运", "en": "Good luck", "ja": "幸運を祈ります", "fr": "Bonne chance"},
    {"zh": "我不吃辣", "en": "I don't eat spicy food", "ja": "辛いものは食べられません", "fr": "Je ne mange pas épicé"},
    {"zh": "这个座位有人吗？", "en": "Is this seat taken?", "ja": "この席は空いていますか？", "fr": "Cette place est prise ?"},
)

# Chitchat tables.
ZH_GREETINGS = (("早上好", "早上好！新的一天也要元气满满哦。"), ("早安", "早安！今天也加油哦。"), ("早啊", "早呀！昨晚睡得好吗？"),
                ("中午好", "中午好！记得按时吃午饭。"), ("下午好", "下午好！要不要起来活动一下？"),
                ("晚上好", "晚上好！今天过得怎么样？"), ("你好", "你好！有什么可以帮你的吗？"), ("嗨，在吗", "嗨！我在呢。"),
                ("哈喽", "哈喽！有什么需要尽管说。"))
EN_GREETINGS = (("Good morning", "Good morning! Hope you have a great day."),
                ("Morning", "Morning! Ready when you are."),
                ("Hey", "Hey! What can I do for you?"), ("Hi there", "Hi! How can I help?"),
                ("Hello", "Hello! What can I do for you today?"), ("Good evening", "Good evening! How was your day?"),
                ("Good afternoon", "Good afternoon! What can I help with?"), ("Hiya", "Hi! What's up?"))
ZH_THANKS = ("谢谢", "谢谢你", "太感谢了", "多谢", "谢啦", "感谢感谢")
ZH_THANKS_TAIL = ("", "，帮大忙了", "，你真靠谱", "！", "哈", "，辛苦啦")
ZH_WELCOME = ("不客气，随时为你服务！", "不用谢，能帮上忙就好。", "别客气，有需要再叫我～")
EN_THANKS = ("Thanks", "Thank you so much", "Thx", "Cheers", "Appreciate it", "Thanks a lot")
EN_THANKS_TAIL = ("", ", that helped", ", you're a lifesaver", "!", " :)", ", perfect")
EN_WELCOME = ("You're welcome!", "Anytime — happy to help.", "No problem at all!")
ZH_JOKES = (("冷", "小明的爸爸有三个儿子，老大叫大毛，老二叫二毛，老三叫什么？——叫小明呀。"),
            ("程序员", "程序员最讨厌的两件事：一是写文档，二是别人不写文档。"),
            ("数学", "数学书为什么总是愁眉苦脸？因为它的问题实在太多了。"),
            ("动物", "蜗牛被乌龟撞了，警察问它经过，蜗牛说：“太快了，我什么都没看清。”"),
            ("", "一个豆腐跑去打篮球，结果被砸成了豆腐花。"))
EN_JOKES = (("a dad joke", "I'm reading a book about anti-gravity. It's impossible to put down."),
            ("a programmer joke", "Why do programmers prefer dark mode? Because light attracts bugs."),
            ("a math joke", "Why was the equal sign so humble? It knew it wasn't less than or greater than anyone."),
            ("an animal joke", "What do you call a sleeping bull? A bulldozer."),
            ("a joke", "I told my wife she was drawing her eyebrows too high. She looked surprised."),
            ("a short joke", "Parallel lines have so much in common. It's a shame they'll never meet."))
ZH_EVENTS = ("面试", "考试", "论文答辩", "上台演讲", "考科目二", "入职新公司", "比赛", "见家长")
EN_EVENTS = ("job interview", "exam", "thesis defense", "presentation", "driving test", "performance review",
             "piano recital", "big game")
ZH_WHEN = ("明天", "下午", "后天", "等会儿", "周一")
EN_WHEN = ("tomorrow", "this afternoon", "in an hour", "on Monday", "later today")
ZH_BAD_DAYS = (("加班到十点", "辛苦了！加班到这么晚，记得吃点东西，早点休息。"),
               ("被领导批评了", "抱抱你。被批评一次不代表你不行，调整好心情明天再来。"),
               ("跑了十公里", "太厉害了！记得拉伸、多喝水。"),
               ("搬了一天家", "搬家真的超累，辛苦啦，今晚好好睡一觉。"),
               ("带了一天娃", "带娃可是体力活，辛苦了，给自己留点休息时间吧。"),
               ("连开了五个会", "连着开五个会太耗神了，先放空一会儿吧。"),
               ("考试没考好", "别灰心，一次考试说明不了什么，找找原因下次会更好。"))
EN_BAD_DAYS = (("worked a 12-hour shift", "That's a long day. Get some rest — you've earned it."),
               ("got chewed out by my boss", "Sorry, that's rough. One bad meeting doesn't define you."),
               ("ran 10 miles", "Wow, nice work! Don't forget to stretch and drink some water."),
               ("spent all day moving apartments", "Moving is exhausting. Order some food and take it easy tonight."),
               ("had back-to-back meetings", "Back-to-back meetings are draining. Take a few minutes for yourself."),
               ("bombed my exam", "I'm sorry. One exam doesn't define you — you'll bounce back."),
               ("chased a toddler around for hours",
                "Toddlers are a full-time workout! Hope you get some quiet time tonight."))
ZH_COMPLIMENTS = ("聪明", "厉害", "棒", "贴心", "靠谱", "有意思")
EN_COMPLIMENTS = ("smart", "helpful", "funny", "sweet", "awesome", "clever")
ZH_TAILS = ("", "！", "啊", "呀", "哈哈")
EN_TAILS = ("", "!", " lol", " :)")
ZH_BORED = ("好无聊啊", "无聊死了", "好无聊，陪我聊会儿天吧", "没事干，好闲", "有点无聊，说点什么吧")
EN_BORED = ("I'm bored", "so bored right now", "I'm bored, talk to me", "nothing to do today", "entertain me")
ZH_GOODNIGHT = ("晚安", "我睡啦", "我去睡觉了", "困了，睡了", "不聊了，睡觉去了")
EN_GOODNIGHT = ("Good night", "Night night", "I'm off to bed", "Heading to sleep now", "Okay, bedtime for me")
ZH_BIRTHDAY = ("今天是我生日", "我今天过生日", "今天我生日哎", "今天是我的生日")
EN_BIRTHDAY = ("It's my birthday today", "Today's my birthday", "Guess what, it's my birthday", "It's my bday")
ZH_PLANS = ("爬山", "露营", "看演唱会", "海边", "迪士尼", "看电影", "野餐", "泡温泉")  # after "要去"
EN_PLANS = ("hiking", "camping", "to a concert", "to the beach", "to Disneyland", "skiing", "to a wedding",
            "kayaking")
ZH_ADDRESS = ("小助手", "小助手，", "嘿，小助手，")
EN_ADDRESS = ("assistant", "my friend", "buddy")
ZH_HOWRU = ("你今天过得怎么样", "最近怎么样", "你好吗", "今天心情好吗")
EN_HOWRU_TAIL = ("today?", "doing?", "doing today?", "this morning?", "holding up?")

# Complex (cloud) tasks. zh tasks start with a verb; en proof/analysis/coding tasks are verb
# phrases ("prove that ..."); en planning tasks are noun phrases ("a 5-day itinerary ...").
ZH_PROOF_TASKS = (
    "证明√2是无理数", "证明素数有无穷多个", "推导一元二次方程的求根公式", "推导两层神经网络反向传播的梯度公式",
    "从泰勒展开推导欧拉公式，并由此得到 e^(iπ) + 1 = 0", "证明勾股定理", "推导等比数列的前n项和公式",
    "用数学归纳法证明 1 + 2 + … + n = n(n+1)/2", "证明柯西-施瓦茨不等式", "证明算术-几何平均不等式",
    "推导线性回归最小二乘解的正规方程", "推导高斯分布均值和方差的最大似然估计", "用康托尔对角线法证明实数集不可数",
    "推导 softmax 加交叉熵损失对 logits 的梯度", "从牛顿万有引力定律推导圆轨道情形下的开普勒第三定律",
    "从导数的定义出发证明 sin x 的导数是 cos x", "证明费马小定理", "从递推式推导归并排序的时间复杂度是 O(n log n)",
    "证明调和级数发散", "证明单调有界数列必收敛", "用反证法证明√3是无理数", "推导单摆在小角度下的周期公式",
    "推导斜抛运动的最大射程公式", "证明辗转相除法一定能求出最大公约数", "推导等额本息房贷的月供公式",
    "证明实对称矩阵的特征值都是实数", "推导二项分布的期望和方差", "证明中国剩余定理", "推导逻辑回归交叉熵损失的梯度",
    "证明闭区间上的连续函数一定能取到最大值", "推导斐波那契数列的通项公式",
    "证明任意六个人里一定有三个人互相认识或者互不认识", "推导齐奥尔科夫斯基火箭方程", "证明拉格朗日中值定理",
    "推导卡尔曼滤波的预测和更新公式", "证明有n个节点的树恰好有n−1条边",
)
EN_PROOF_TASKS = (
    "prove that √2 is irrational", "prove that there are infinitely many primes", "derive the quadratic formula",
    "derive the backpropagation equations for a two-layer neural network",
    "derive Euler's formula from Taylor series and get e^(iπ) + 1 = 0 from it", "prove the Pythagorean theorem",
    "derive the formula for the sum of a geometric series", "prove by induction that 1 + 2 + … + n = n(n+1)/2",
    "prove the Cauchy–Schwarz inequality", "prove the AM–GM inequality",
    "derive the normal equations for least-squares linear regression",
    "derive the maximum-likelihood estimates of a Gaussian's mean and variance",
    "use Cantor's diagonal argument to prove the real numbers are uncountable",
    "derive the gradient of softmax cross-entropy loss with respect to the logits",
    "derive Kepler's third law for circular orbits from Newton's law of gravitation",
    "prove from first principles that the derivative of sin x is cos x", "prove Fermat's little theorem",
    "derive merge sort's O(n log n) running time from its recurrence",
    "prove that the harmonic series diverges", "prove that a bounded monotone sequence converges",
    "prove by contradiction that √3 is irrational", "derive the small-angle period of a simple pendulum",
    "derive the maximum range of a projectile", "prove that the Euclidean algorithm computes the gcd",
    "derive the monthly payment formula for a fixed-rate mortgage",
    "prove that a real symmetric matrix has real eigenvalues",
    "derive the mean and variance of a binomial distribution", "prove the Chinese remainder theorem",
    "derive the gradient of the logistic regression loss",
    "prove that a continuous function on a closed interval attains its maximum",
    "derive Binet's closed form for the Fibonacci numbers",
    "prove that any six people include three mutual friends or three mutual strangers",
    "derive the Tsiolkovsky rocket equation", "prove the mean value theorem",
    "derive the predict and update equations of the Kalman filter",
    "prove that a tree with n nodes has exactly n − 1 edges",
)
ZH_ANALYSIS_TASKS = (
    "比较凯恩斯主义和货币主义在应对通货膨胀上的政策主张", "分析特斯拉近五年的竞争战略",
    "写一篇2000字的文章，讨论人工智能对就业市场的影响", "深入分析远程办公对一线城市房地产市场的利弊",
    "比较中美两国新能源汽车产业政策的异同", "分析苹果公司的生态系统战略以及它面临的主要风险",
    "探讨人口老龄化对养老金体系的长期影响", "分析量化宽松政策对资产价格和贫富差距的影响",
    "比较欧盟和美国在数据隐私监管上的不同思路", "分析短视频平台对青少年注意力和学习习惯的影响",
    "评估全民基本收入（UBI）的可行性与利弊", "分析星巴克在中国市场的本土化战略及其面临的竞争",
    "写一篇关于乡村振兴与城镇化关系的深度评论", "对比核电与可再生能源在实现碳中和目标中的作用",
    "分析2008年金融危机的成因以及之后金融监管的变化",
    "分析拼多多是怎么在阿里和京东之间杀出来的", "比较日本失去的三十年和中国当前经济形势的异同",
    "分析新能源汽车价格战对整条产业链的影响", "写一篇三千字的文章，讨论延迟退休政策的利弊",
    "分析外卖平台的抽成模式对商家和骑手的影响", "分析英伟达为什么能在AI芯片市场形成垄断，这种优势能维持多久",
    "深入分析生育率持续下降的原因和可能的对策", "比较中日韩三国应对少子化的政策及其效果",
    "分析直播带货从爆发到降温的过程和原因", "评估欧盟碳边境调节机制对中国出口企业的影响",
    "分析县域经济未来十年的发展机会和瓶颈", "分析大模型对高等教育的冲击以及高校该如何应对",
)
EN_ANALYSIS_TASKS = (
    "compare Keynesian and monetarist approaches to fighting inflation",
    "analyze Tesla's competitive strategy over the past five years",
    "write a 2000-word essay on how AI will reshape the job market",
    "analyze in depth the pros and cons of remote work for big-city real estate",
    "compare EU and US approaches to data privacy regulation",
    "analyze Apple's ecosystem strategy and the main risks it faces",
    "discuss the long-term impact of population aging on public pension systems",
    "evaluate the feasibility and trade-offs of a universal basic income",
    "analyze how quantitative easing affected asset prices and wealth inequality",
    "compare nuclear power and renewables as paths to net-zero emissions",
    "analyze Netflix's shift from DVD rentals to streaming and original content",
    "assess how short-video apps affect teenagers' attention spans and study habits",
    "analyze the causes of the 2008 financial crisis and how regulation changed afterwards",
    "compare the healthcare systems of the UK, Germany and the US on cost and outcomes",
    "analyze why congestion pricing worked in some cities and failed in others",
    "analyze how Shein and Temu disrupted fast fashion and online retail",
    "compare Japan's lost decades with China's current slowdown",
    "analyze how the EV price war is reshaping the car industry's supply chain",
    "write a 3,000-word essay on the pros and cons of raising the retirement age",
    "analyze how food-delivery apps' commissions affect restaurants and couriers",
    "analyze why Nvidia came to dominate AI chips and whether that lead can last",
    "analyze in depth why birth rates keep falling in rich countries and what might help",
    "compare how Japan, South Korea and Italy are handling shrinking populations",
    "analyze the collapse of Silicon Valley Bank and what it says about bank regulation",
    "assess how the EU's carbon border tax will affect exporters in developing countries",
    "analyze how large language models are changing higher education",
    "compare rent control and housing vouchers as answers to unaffordable cities",
)
ZH_PLAN_TASKS = (
    "规划一次5天4晚的日本关西之旅，两个人总预算1.2万元，其中一人吃素",
    "制定一份6周的雅思备考计划，我工作日只有晚上两小时，目标总分7分",
    "安排一次带父母和两个孩子的云南7日游，老人膝盖不好，不能走太多路",
    "设计一个12周的减脂加力量训练计划，每周只能去3次健身房，而且腰有旧伤",
    "给一个5人团队排一个月的App上线计划，其中2个人是兼职",
    "规划从成都自驾去拉萨的10天行程，要考虑高反和沿途补给",
    "做一份婚礼筹备时间表，还剩4个月，预算15万，宾客大概120人",
    "安排一个3天的上海出差加周末行程，周五要见两个客户，周末想带孩子去迪士尼",
    "制定考研数学8个月的复习计划，我是跨专业考生，基础比较薄弱",
    "规划一次法国、瑞士、意大利三国14天的火车旅行，每人预算3万，8月出发",
    "排一下下学期的时间表：5门课、每周20小时实习，还要准备两个竞赛",
    "策划一个30人公司的两天一夜年会，预算5万元，要有团建和颁奖环节",
    "制定一个三个月还清2万元信用卡欠款的计划，月收入8000，房租2500",
    "规划一次北疆10天自驾游，两大两小，孩子一个5岁一个8岁，预算2万", "帮我排一个三个月考过日语N2的学习计划，每天只有一个半小时",
    "规划一次11月的冰岛8天环岛自驾，想看极光但怕路况不好", "制定一个半年存下5万块的计划，月薪1.2万，每月房贷4000",
    "安排一次20人的三天两夜团建，预算4万，要照顾到不爱运动的同事", "规划一次带爸妈的北京5日游，妈妈有高血压，不想太赶",
    "给我排一份秋招准备计划，还剩两个月，要刷题、改简历、准备面试", "规划一次去杭州的两天一夜周末游，坐高铁，还要带一只狗",
    "制定一个从零开始12周跑完半马的训练计划，每周最多跑4次", "安排一次清迈7天亲子游，孩子3岁，每天下午要午睡",
)
EN_PLAN_TASKS = (
    "a 5-day Japan itinerary for two on a $3,000 budget, where one of us is vegetarian",
    "a 6-week GRE study plan around a full-time job (I only have evenings and Sundays free)",
    "a 7-day road trip through Utah's national parks with two kids under 6 and a grandparent who can't hike far",
    "a 16-week marathon plan for a beginner who can run only 4 days a week and has a sore knee",
    "a one-month launch plan for a mobile app with a 4-person team, two of them part-time",
    "a 10-day Italy itinerary by train for under €2,500 per person with at most three hotel changes",
    "a wedding planning timeline with 5 months left, a $25k budget and about 100 guests",
    "a semester schedule that fits 5 courses, a 20-hour-a-week internship and two hackathons",
    "a 3-day Singapore business trip with 4 client meetings plus one free day for sightseeing",
    "an 8-month plan to move into data science while still working full time",
    "a two-week backpacking route through Thailand and Vietnam for under $1,500 in the rainy season",
    "a week of gluten-free meal prep and a grocery list for a family of four under $150",
    "a plan to pay off $8,000 of credit card debt within a year on $4,200 a month take-home pay",
    "a 10-day Iceland ring-road itinerary in November for two nervous winter drivers",
    "a 12-week half-marathon plan for a beginner who can run at most four days a week",
    "a 5-day Rome itinerary for parents in their seventies who need a rest every afternoon",
    "a three-month plan to pass the JLPT N3 with 90 minutes of study a day",
    "a six-month plan to save $10,000 on $5,500 a month with $2,000 rent",
    "a two-month plan to get ready for software engineering interviews while working full time",
    "a 3-day offsite for 20 people on $15,000 that works for people who hate team sports",
    "a week-long Costa Rica itinerary for a family with a 3-year-old who naps every afternoon",
    "a car-free weekend in Chicago with a dog, arriving by train on Friday night",
    "an 8-week plan to move apartments, start a new job and still finish my night-school course",
)
ZH_CODE_TASKS = (
    "用Python实现一个带过期时间（TTL）的LRU缓存，get和put都要O(1)", "写一个支持并发、限速和URL去重的网页爬虫",
    "用C++实现红黑树，包括插入和删除", "用Java实现一个线程安全的有界阻塞队列",
    "用Go写一个简单的分布式键值存储，支持Raft复制", "实现Dijkstra和A*算法，并在网格地图上比较它们的性能",
    "用Rust写一个支持keep-alive的简易HTTP服务器", "写一个支持加减乘除和括号的表达式解析器",
    "用React写一个带分页、搜索和排序的表格组件", "基于令牌桶算法实现一个限流中间件",
    "用PyTorch从零实现一个Transformer编码器", "写一个能处理嵌套列表的Markdown转HTML工具",
    "实现一个支持前缀搜索和自动补全的Trie", "用Python写一个支持断点续传的多线程下载器",
    "用Python实现一个支持撤销和重做的文本编辑器后端", "用C实现一个简单的内存池分配器",
    "用Go写一个支持超时和重试的HTTP客户端库", "实现一个基于倒排索引的迷你搜索引擎，结果按相关度排序",
    "用Python写一个回溯加剪枝的数独求解器", "用JavaScript写一个带碰撞检测的贪吃蛇游戏",
    "实现一个支持 . 和 * 的正则表达式匹配器", "用Rust实现一个能优雅关闭的线程池",
    "写一个把CSV导入SQLite并自动推断列类型的工具", "实现一个带虚拟节点的一致性哈希环",
    "不用sklearn，用Python实现K-means聚类", "写一个支持多房间的WebSocket聊天服务器",
)
EN_CODE_TASKS = (
    "implement an LRU cache with TTL in Python with O(1) get and put",
    "write a concurrent web crawler with rate limiting and URL deduplication",
    "implement a red-black tree in C++ with insert and delete", "build a thread-safe bounded blocking queue in Java",
    "write a simple distributed key-value store in Go with Raft replication",
    "implement Dijkstra and A* and benchmark them on a grid map",
    "write a minimal HTTP/1.1 server in Rust that supports keep-alive",
    "write a recursive-descent parser for arithmetic expressions with parentheses",
    "build a React table component with pagination, search and sorting",
    "implement token-bucket rate-limiting middleware for an Express app",
    "implement a Transformer encoder from scratch in PyTorch",
    "write a Markdown-to-HTML converter that handles nested lists",
    "implement a trie with prefix search and autocomplete",
    "write a multi-threaded file downloader in Python that can resume interrupted downloads",
    "implement an undo/redo text-editor backend in Python", "write a simple memory-pool allocator in C",
    "write an HTTP client library in Go with timeouts and retries",
    "build a tiny search engine on an inverted index with relevance ranking",
    "write a sudoku solver in Python using backtracking with pruning",
    "write a snake game in JavaScript with collision detection",
    "implement a regex matcher that supports . and *", "implement a thread pool in Rust with graceful shutdown",
    "write a tool that loads a CSV into SQLite and infers the column types",
    "implement a consistent-hash ring with virtual nodes",
    "implement k-means clustering in Python without scikit-learn",
    "write a multi-room WebSocket chat server",
)
ZH_CODE_EXPLAIN = (
    "SQL查询优化器是怎么选择执行计划的", "数据库的MVCC是怎么实现的", "Raft协议是如何保证日志一致性的",
    "Python的GIL是怎么工作的、对多线程有什么影响", "Java的G1垃圾回收器是怎么工作的", "React的Fiber架构是怎么调度渲染的",
    "为什么数据库索引普遍用B+树",
    "Kafka是怎么保证消息不丢、不重复的", "Redis的持久化和主从复制是怎么实现的", "Go的调度器GMP模型是怎么工作的",
    "HTTPS握手的全过程是怎样的",
)
EN_CODE_EXPLAIN = (
    "how a SQL query optimizer chooses an execution plan", "how MVCC works in PostgreSQL",
    "how Raft keeps replicated logs consistent", "how Python's GIL works and what it means for multithreading",
    "how Java's G1 garbage collector works", "how React's Fiber architecture schedules rendering",
    "why databases use B+ trees for indexes",
    "how Kafka avoids losing or duplicating messages", "how Redis persistence and replication work",
    "how Go's scheduler maps goroutines onto OS threads", "what exactly happens during a TLS handshake",
)

# Short complex requests (SHORT cue): terse slots, so a request like "证明√2是无理数" or "Derive the
# quadratic formula." stays far under the length thresholds. zh facts read as statements ("为什么{fact}？"),
# zh theorems as names ("证明{theorem}"); en facts are that-clauses ("Prove that {fact}."), en theorems
# noun phrases ("Prove {theorem}."), en derivations noun phrases with their article ("Derive {deriv}.").
ZH_FACTS = (
    "√2是无理数", "√3是无理数", "log₂3是无理数", "e是无理数", "√2+√3是无理数", "素数有无穷多个",
    "形如4k+3的素数有无穷多个", "三角形内角和是180度", "1+2+…+n=n(n+1)/2", "1²+2²+…+n²=n(n+1)(2n+1)/6",
    "前n个奇数之和等于n²", "n³−n总能被6整除", "5ⁿ−1总能被4整除", "整数的平方除以4只能余0或1", "相邻两个整数互质",
    "实数集不可数", "有理数集是可数的", "0.999…=1", "调和级数发散", "1/n²的级数收敛", "单调有界数列必收敛",
    "闭区间上的连续函数有最大值", "eˣ≥1+x", "ln x≤x−1", "x>0时sin x<x", "对称矩阵的特征值都是实数",
    "矩阵乘法满足结合律", "可逆矩阵的行列式不为零", "任意两个有理数之间都有无理数", "n≥4时n!>2ⁿ",
    "任意六个人里必有三人互相认识或互不认识", "停机问题不可判定", "正多面体只有五种", "n个节点的树有n−1条边",
    "每个大于1的整数都能唯一分解成素数的乘积", "圆周角等于同弧所对圆心角的一半", "三角形两边之和大于第三边",
)
ZH_THEOREMS = (
    "勾股定理", "柯西-施瓦茨不等式", "均值不等式", "伯努利不等式", "费马小定理", "威尔逊定理", "介值定理", "罗尔定理",
    "拉格朗日中值定理", "算术基本定理", "群论里的拉格朗日定理", "抽屉原理", "欧拉多面体公式", "二项式定理",
    "中国剩余定理", "马尔可夫不等式", "切比雪夫不等式", "夹逼定理", "裴蜀定理", "托勒密定理", "握手定理", "余弦定理",
    "正弦定理", "康托尔定理", "大数定律", "中心极限定理",
)
ZH_CLAIMS = ZH_FACTS + ZH_THEOREMS
ZH_DERIVATIONS = (
    "一元二次方程的求根公式", "等比数列求和公式", "等差数列求和公式", "球的体积公式", "圆锥的体积公式", "单摆的周期公式",
    "斜抛运动的射程公式", "开普勒第三定律", "第一宇宙速度", "地球的逃逸速度", "复利公式", "贝叶斯公式", "海伦公式",
    "两角和的正弦公式", "二倍角公式", "sin x的导数", "ln x的导数", "xⁿ的导数", "分部积分公式", "eˣ的泰勒展开",
    "欧拉公式", "牛顿迭代法的公式", "逻辑回归的梯度", "softmax交叉熵的梯度", "两层神经网络的反向传播",
    "最小二乘的正规方程", "正态分布的最大似然估计", "二项分布的方差", "泊松分布的期望和方差", "指数分布的期望",
    "斐波那契数列的通项公式", "归并排序的时间复杂度", "快速排序的平均复杂度", "理想气体状态方程", "弹簧振子的运动方程",
    "RC电路的充电曲线", "火箭方程", "质能方程E=mc²", "洛伦兹变换", "卡尔曼滤波的更新公式", "PCA的主成分方向",
    "线性回归的闭式解", "等额本息的月供公式", "Black-Scholes公式", "曲线的弧长公式", "圆的面积公式",
)
EN_FACTS = (
    "√2 is irrational", "sqrt(3) is irrational", "log2(3) is irrational", "e is irrational", "√2 + √3 is irrational",
    "there are infinitely many primes", "there are infinitely many primes of the form 4k+3",
    "the angles of a triangle add up to 180°", "1 + 2 + … + n = n(n+1)/2", "1² + 2² + … + n² = n(n+1)(2n+1)/6",
    "the sum of the first n odd numbers is n²", "n³ − n is always divisible by 6", "5^n − 1 is divisible by 4",
    "every square is 0 or 1 mod 4", "consecutive integers are coprime", "the reals are uncountable",
    "the rationals are countable", "0.999... = 1", "the harmonic series diverges", "the sum of 1/n² converges",
    "a bounded monotone sequence converges", "e^x ≥ 1 + x for every real x", "ln x ≤ x − 1 for x > 0",
    "sin x < x for x > 0", "a continuous function on [a, b] has a maximum",
    "a real symmetric matrix has real eigenvalues", "matrix multiplication is associative",
    "an invertible matrix has a nonzero determinant", "there's an irrational between any two rationals",
    "n! > 2^n for n ≥ 4", "the halting problem is undecidable", "there are only five Platonic solids",
    "every integer above 1 factors uniquely into primes", "the Euclidean algorithm returns the gcd",
    "any six people include three mutual friends or three mutual strangers", "a tree with n nodes has n − 1 edges",
    "an inscribed angle is half the central angle on the same arc",
)
EN_THEOREMS = (
    "the Pythagorean theorem", "the Cauchy–Schwarz inequality", "the AM–GM inequality", "Bernoulli's inequality",
    "the triangle inequality", "Fermat's little theorem", "Wilson's theorem", "the intermediate value theorem",
    "Rolle's theorem", "the mean value theorem", "Lagrange's theorem for finite groups", "the pigeonhole principle",
    "Euler's formula for polyhedra", "the fundamental theorem of arithmetic", "the binomial theorem",
    "the Chinese remainder theorem", "Markov's inequality", "Chebyshev's inequality", "the squeeze theorem",
    "Bézout's identity", "Ptolemy's theorem", "the handshake lemma", "the law of cosines", "Cantor's theorem",
    "the law of large numbers", "the central limit theorem",
)
EN_DERIVATIONS = (
    "the quadratic formula", "the sum of a geometric series", "the sum of an arithmetic series",
    "the volume of a sphere", "the volume of a cone", "the period of a simple pendulum", "the range of a projectile",
    "Kepler's third law", "Earth's escape velocity", "the orbital speed of a satellite",
    "the compound interest formula",
    "Bayes' rule", "Heron's formula", "the angle-sum formula for sine", "the double-angle formulas",
    "the derivative of sin x", "the derivative of ln x", "the power rule", "integration by parts",
    "the Taylor series of e^x", "Euler's formula", "Newton's method", "the gradient of logistic regression",
    "the softmax cross-entropy gradient", "backprop for a two-layer network", "the normal equations",
    "the MLE of a Gaussian's mean and variance", "the variance of a binomial distribution",
    "the mean and variance of a Poisson distribution", "the mean of an exponential distribution",
    "Binet's formula for Fibonacci numbers", "merge sort's running time", "quicksort's average running time",
    "the ideal gas law from kinetic theory", "the equation of motion of a mass on a spring",
    "the charging curve of an RC circuit", "the rocket equation", "E = mc²", "the Lorentz transformation",
    "the Kalman filter update", "the principal components of PCA", "the closed-form solution of linear regression",
    "the monthly payment on a fixed-rate mortgage", "the Black–Scholes formula", "the arc length formula",
    "the area of a circle by integration",
)
# Coding: languages, algorithms / data structures, programs (nouns) and what a program does (verb phrases).
CODE_LANGS = ("Python", "Java", "C++", "Go", "Rust", "JavaScript", "TypeScript", "C", "Kotlin", "Swift", "C#")
ZH_ALGOS = (
    "快速排序", "归并排序", "堆排序", "二分查找", "LRU缓存", "LFU缓存", "KMP字符串匹配", "Dijkstra最短路", "A*寻路",
    "并查集", "红黑树", "AVL树", "B+树", "跳表", "布隆过滤器", "一致性哈希", "拓扑排序", "Kruskal最小生成树",
    "线段树", "字典树", "最小堆", "哈夫曼编码", "K-means聚类", "决策树", "朴素贝叶斯分类器", "N皇后回溯",
    "最长公共子序列", "0-1背包", "大整数乘法", "矩阵快速幂", "Bellman-Ford", "Floyd最短路", "Rabin-Karp",
    "线程池", "令牌桶限流", "生产者消费者队列", "简易正则引擎", "LSM树",
)
EN_ALGOS = (
    "quicksort", "merge sort", "heapsort", "binary search", "an LRU cache", "an LFU cache", "KMP string matching",
    "Dijkstra's algorithm", "A* pathfinding", "union-find", "a red-black tree", "an AVL tree", "a B+ tree",
    "a skip list", "a Bloom filter", "consistent hashing", "topological sort", "Kruskal's algorithm",
    "a segment tree", "a trie", "a min-heap", "Huffman coding", "k-means", "a decision tree", "naive Bayes",
    "N-Queens with backtracking", "longest common subsequence", "0/1 knapsack", "big-integer multiplication",
    "Bellman-Ford", "Floyd–Warshall", "Rabin-Karp", "a thread pool", "a token-bucket rate limiter",
    "a producer-consumer queue", "a tiny regex engine", "an LSM tree",
)
ZH_PROGS = (
    "贪吃蛇游戏", "五子棋", "俄罗斯方块", "扫雷", "2048小游戏", "井字棋AI", "命令行记账本", "多人聊天室", "短链接服务",
    "待办事项应用", "Markdown编辑器", "数独求解器", "迷宫生成器", "带括号的计算器", "文件同步工具", "密码管理器",
    "网页爬虫", "查天气的聊天机器人", "简易区块链", "图片批量压缩工具", "RSS阅读器", "迷你搜索引擎", "象棋走子校验器",
)
EN_PROGS = (
    "snake game", "tic-tac-toe AI", "command-line budget tracker", "URL shortener", "multi-user chat server",
    "to-do app with a REST API", "Minesweeper clone", "sudoku solver", "2048 clone", "web scraper", "JSON parser",
    "Markdown editor", "maze generator", "file sync tool", "password manager CLI", "Discord weather bot",
    "toy blockchain", "image resizer CLI", "RSS reader", "tiny search engine", "Tetris clone", "chess move validator",
)
ZH_PROG_TASKS = (
    "解数独", "批量重命名照片", "找出电脑里的重复文件", "自动整理下载文件夹", "监控网页价格变化", "合并几百个Excel表",
    "生成迷宫再自己走出来", "模拟银行排队", "给照片批量加水印", "每天定时备份数据库", "把PDF里的表格抠出来",
    "解N皇后问题", "生成随机密码并检查强度", "每天自动发日报邮件", "抓股票行情再画成K线图", "检测图片里的人脸",
)
EN_PROG_DOES = (
    "solves sudoku puzzles", "finds the shortest path through a maze", "renames photos by the date they were taken",
    "never loses at tic-tac-toe", "finds duplicate files on my drive", "converts Markdown to HTML",
    "simulates a bank queue", "emails me when a product's price drops", "merges overlapping calendar events",
    "prints summary stats for every column of a CSV", "compresses files with Huffman coding",
    "solves the N-queens puzzle", "plays Conway's Game of Life in the terminal", "backs up a folder to S3 every night",
    "generates a maze and then solves it", "watermarks a folder of images", "pulls stock prices and plots them",
)
# Analysis topics (noun phrases that fit "分析一下{topic}" / "Analyze {topic}.").
ZH_TOPICS = (
    "人口老龄化", "房地产市场走势", "美联储加息", "新能源汽车价格战", "AI对就业的冲击", "日本失去的三十年",
    "瑞幸的商业模式", "拼多多的崛起", "远程办公的长期影响", "中国出口结构变化", "内卷现象", "延迟退休政策",
    "县城经济", "直播带货的兴衰", "共享单车这门生意", "生育率持续走低", "中美科技竞争", "欧盟碳关税",
    "比特币的长期价值", "大模型对教育的影响", "高考制度", "预制菜行业", "外卖平台抽成", "年轻人不买房",
    "全球供应链重构", "台积电的护城河", "英伟达的垄断", "特斯拉的降价策略", "短剧行业爆发", "存款利率下调",
    "城投债风险", "光伏产能过剩", "新茶饮的扩张", "跨境电商出海", "低空经济", "银发经济", "中概股回港上市",
    "网约车司机过剩", "房贷提前还款潮", "小红书的商业化",
)
EN_TOPICS = (
    "population aging in Europe", "the US housing affordability crisis", "the Fed's rate hikes", "the EV price war",
    "AI's effect on white-collar jobs", "Japan's lost decades", "the gig economy", "Brexit's economic impact",
    "remote work's long-term effects", "Nvidia's grip on AI chips", "TikTok's business model",
    "the decline of shopping malls", "US student debt", "rising inequality", "the four-day work week",
    "the streaming wars", "Costco's business model", "China's property slump", "the rise of Shein and Temu",
    "deglobalization", "Bitcoin as an asset class", "social media and teen mental health", "the collapse of FTX",
    "the Silicon Valley Bank failure", "carbon taxes", "rent control", "nuclear power's comeback",
    "the chip supply chain", "falling birth rates in East Asia", "the opioid crisis",
    "the return of industrial policy", "the US trade deficit with China", "the decline of local newspapers",
    "private equity buying up vet clinics", "the rise of weight-loss drugs like Ozempic",
    "college tuition inflation", "Boeing's quality problems", "the electric grid's readiness for EVs",
    "the creator economy", "Europe's energy crisis after 2022",
)
# Planning: places, who travels (constraints), and goals with a deadline.
ZH_PLACES = ("西安", "大理", "桂林", "北疆", "北海道", "清迈", "冰岛", "川西", "潮汕", "青甘大环线", "巴黎", "新加坡",
             "西双版纳", "厦门", "重庆", "京都", "首尔", "张家界", "敦煌", "海南", "黄山", "香港", "普吉岛", "瑞士")
ZH_TRIP_CONSTRAINTS = ("带两个老人", "带一岁的宝宝", "预算三千", "两个人预算一万", "一个人穷游", "全程不坐飞机",
                       "老人腿脚不好", "同行有人坐轮椅", "要带狗", "只坐公共交通", "全家六口人", "我们都吃素",
                       "每天开车不超过4小时", "孩子5岁，怕累")
ZH_GOALS = ("三个月减重10斤", "半年考过日语N2", "一年存下5万块", "两个月准备好秋招", "12周跑完半马",
            "三个月把雅思考到7分", "一个月内搬家加装修", "半年还清3万网贷", "8个月考研上岸", "一学期把GPA拉到3.5",
            "一个暑假学会Python并找到实习", "四个月准备好婚礼")
EN_PLACES = ("Kyoto", "Iceland", "Lisbon", "the Scottish Highlands", "Yellowstone", "Bali",
             "New Zealand's South Island", "Mexico City", "Patagonia", "Vietnam", "Rome", "Morocco", "Banff", "Tokyo",
             "Seoul", "Costa Rica", "Ireland", "the Amalfi Coast", "Croatia", "Hawaii's Big Island")
EN_TRIP_FOR = ("a family with a toddler", "two people on $1,500", "a wheelchair user", "a vegan couple",
               "a solo traveler on a tight budget", "grandparents who can't walk far", "four friends who don't drive",
               "six people and one car", "someone who gets carsick", "a couple with a dog")
EN_TRIP_WITH = ("a toddler", "my elderly parents", "$1,200 total", "no car", "two teenagers who hate museums",
                "a wheelchair user", "our dog", "a vegan and a celiac", "a newborn", "a bad knee")
EN_GOALS = ("lose 10 pounds in three months", "pass the JLPT N3 by December", "save $10k in a year",
            "run a half marathon in 12 weeks", "learn enough Spanish for a trip in four months",
            "prep for coding interviews in 8 weeks", "finish my thesis by May while working part-time",
            "pay off $6k of credit card debt this year", "get my GRE to 325 in 10 weeks",
            "move to Berlin in six months", "train for a 100-mile bike ride by August",
            "get my wedding organized in four months")

# ---------------------------------------------------------------------------------------------
# Confounder tables (see "Surface cues do not give the label away" in the module docstring).
# Every entry of a KW_ table contains a complex-task keyword; the PLAIN_ tables contain none.

# Work people do at a desk, named with a complex-sounding word ("我要写代码了").
ZH_KW_ACTIVITIES = ("写代码", "改论文", "赶报告", "做数据分析", "写实验报告", "刷算法题", "写项目计划书", "改设计稿",
                    "推导公式", "写证明题", "做市场分析", "写年终报告", "排下周的工作计划", "优化代码", "做毕业设计")
EN_KW_WORK = ("code review", "lab report", "history essay", "data analysis", "project plan", "algorithms homework",
              "design doc", "quarterly report", "strategy deck", "market analysis", "year-end report", "sprint plan",
              "code refactor", "capstone design", "philosophy essay", "pricing strategy")
# Documents with a deadline ("提醒我明天上午10点交实验分析报告").
ZH_KW_DOCS = ("实验分析报告", "年度工作计划", "毕业论文初稿", "项目设计方案", "季度销售报告", "算法作业",
              "代码评审意见", "旅行行程单", "市场分析材料", "系统优化方案", "开题报告", "课程论文", "竞品分析",
              "装修设计图", "证明题作业", "公式推导笔记")
EN_KW_DOCS = ("project plan", "quarterly report", "design doc", "code changes", "lab report draft", "trip itinerary",
              "marketing strategy deck", "data analysis notebook", "essay outline", "algorithm notes",
              "proof homework", "essay draft", "sprint plan", "competitor analysis", "pricing strategy memo",
              "research report")
# Daily habits: zh as said; en (as the user says it, as the assistant echoes it).
ZH_KW_HABITS = ("刷一道算法题", "写半小时代码", "复盘今天的计划", "更新项目进度报告", "读一篇论文", "整理当天的分析笔记",
                "写一页论文", "做一道证明题", "背一个算法模板")
EN_KW_HABITS = (("practice one algorithm problem", "practice one algorithm problem"),
                ("update my meal plan", "update your meal plan"),
                ("work on the code for my side project", "work on the code for your side project"),
                ("review my study plan", "review your study plan"),
                ("fill in my daily report", "fill in your daily report"),
                ("go over my essay notes", "go over your essay notes"),
                ("write 300 words of my essay", "write 300 words of your essay"),
                ("do one proof from the problem set", "do one proof from the problem set"))
ZH_KW_MEETINGS = ("项目报告会", "代码评审", "方案设计评审", "季度策略会", "论文组会")
EN_KW_MEETINGS = ("design review", "strategy meeting", "code review", "project plan check-in", "report readout")
ZH_KW_EVENTS = ("论文答辩", "做项目报告", "代码评审", "给领导汇报年度计划", "算法面试", "方案设计评审")
EN_KW_EVENTS = ("design review", "algorithms exam", "code review", "strategy offsite", "project plan review",
                "data analysis presentation")
ZH_KW_TIRED = ("论文", "代码", "报告", "年度计划", "实验分析", "设计方案")  # "...写得好累"
ZH_LAZY = ("在家躺平", "睡到自然醒", "追剧", "什么都不干", "去公园晒太阳")
EN_LAZY = ("doing absolutely nothing", "sleeping in", "binge-watching a show", "reading in the park", "a very long nap")

# Complex-sounding words with hand-checked translations (translation requests about them are simple).
TERMS = (
    {"zh": "算法", "en": "algorithm", "ja": "アルゴリズム", "fr": "algorithme"},
    {"zh": "证明", "en": "proof", "ja": "証明", "fr": "preuve"},
    {"zh": "分析", "en": "analysis", "ja": "分析", "fr": "analyse"},
    {"zh": "报告", "en": "report", "ja": "報告書", "fr": "rapport"},
    {"zh": "策略", "en": "strategy", "ja": "戦略", "fr": "stratégie"},
    {"zh": "代码", "en": "code", "ja": "コード", "fr": "code"},
    {"zh": "行程", "en": "itinerary", "ja": "旅程", "fr": "itinéraire"},
    {"zh": "计划", "en": "plan", "ja": "計画", "fr": "plan"},
    {"zh": "优化", "en": "optimization", "ja": "最適化", "fr": "optimisation"},
    {"zh": "代码审查", "en": "code review", "ja": "コードレビュー", "fr": "revue de code"},
    {"zh": "项目计划", "en": "project plan", "ja": "プロジェクト計画", "fr": "plan de projet"},
    {"zh": "数据分析", "en": "data analysis", "ja": "データ分析", "fr": "analyse de données"},
    {"zh": "营销策略", "en": "marketing strategy", "ja": "マーケティング戦略", "fr": "stratégie marketing"},
    {"zh": "源代码", "en": "source code", "ja": "ソースコード", "fr": "code source"},
    {"zh": "排序算法", "en": "sorting algorithm", "ja": "ソートアルゴリズム", "fr": "algorithme de tri"},
    {"zh": "年度报告", "en": "annual report", "ja": "年次報告書", "fr": "rapport annuel"},
    {"zh": "设计文档", "en": "design document", "ja": "設計書", "fr": "document de conception"},
    {"zh": "性能优化", "en": "performance optimization", "ja": "パフォーマンス最適化", "fr": "optimisation des performances"},
)
# Everyday sentences with a complex-sounding word on both sides, hand-checked (zh, en).
KW_SENTENCES = (
    {"zh": "我明天要交实验报告", "en": "I have to hand in my lab report tomorrow"},
    {"zh": "这个算法太慢了", "en": "This algorithm is too slow"},
    {"zh": "我们的旅行计划取消了", "en": "Our travel plans were canceled"},
    {"zh": "请把代码发给我", "en": "Please send me the code"},
    {"zh": "我同意你的分析", "en": "I agree with your analysis"},
    {"zh": "这个设计很漂亮", "en": "This design is beautiful"},
    {"zh": "这份报告写得很好", "en": "This report is very well written"},
    {"zh": "我们比较一下这两个方案", "en": "Let's compare these two options"},
    {"zh": "老板很喜欢这个策略", "en": "The boss really likes this strategy"},
    {"zh": "这是我们的行程", "en": "Here is our itinerary"},
    {"zh": "这个证明我看不懂", "en": "I don't understand this proof"},
    {"zh": "计划有变，我们改天再约", "en": "There's been a change of plans, let's meet another day"},
    {"zh": "我的报告明天截止", "en": "My report is due tomorrow"},
    {"zh": "代码已经上线了", "en": "The code is already live"},
    {"zh": "你能证明吗？", "en": "Can you prove it?"},
    {"zh": "周末有什么计划？", "en": "Any plans for the weekend?"},
    {"zh": "这个设计太复杂了", "en": "This design is too complicated"},
    {"zh": "我们需要一个新的策略", "en": "We need a new strategy"},
    {"zh": "行程已经发到你邮箱了", "en": "I've emailed you the itinerary"},
    {"zh": "分析结果出来了吗？", "en": "Are the analysis results out yet?"},
    {"zh": "我在学算法", "en": "I'm learning algorithms"},
)
# Technical and academic names (zh, en) without any complex-task keyword: translating them, studying
# them or chatting about them is simple, though the same names fill complex requests elsewhere.
JARGON = (
    {"zh": "勾股定理", "en": "Pythagorean theorem"}, {"zh": "费马大定理", "en": "Fermat's Last Theorem"},
    {"zh": "费马小定理", "en": "Fermat's little theorem"}, {"zh": "中值定理", "en": "mean value theorem"},
    {"zh": "二项式定理", "en": "binomial theorem"}, {"zh": "余弦定理", "en": "law of cosines"},
    {"zh": "贝叶斯定理", "en": "Bayes' theorem"}, {"zh": "中国剩余定理", "en": "Chinese remainder theorem"},
    {"zh": "抽屉原理", "en": "pigeonhole principle"}, {"zh": "大数定律", "en": "law of large numbers"},
    {"zh": "中心极限定理", "en": "central limit theorem"}, {"zh": "求根公式", "en": "quadratic formula"},
    {"zh": "泰勒展开", "en": "Taylor expansion"}, {"zh": "牛顿第二定律", "en": "Newton's second law"},
    {"zh": "数学归纳法", "en": "mathematical induction"}, {"zh": "微积分", "en": "calculus"},
    {"zh": "线性代数", "en": "linear algebra"}, {"zh": "二分查找", "en": "binary search"},
    {"zh": "快速排序", "en": "quicksort"}, {"zh": "哈希表", "en": "hash table"}, {"zh": "链表", "en": "linked list"},
    {"zh": "递归", "en": "recursion"}, {"zh": "梯度下降", "en": "gradient descent"},
    {"zh": "神经网络", "en": "neural network"}, {"zh": "机器学习", "en": "machine learning"},
    {"zh": "死锁", "en": "deadlock"}, {"zh": "虚拟内存", "en": "virtual memory"}, {"zh": "区块链", "en": "blockchain"},
    {"zh": "通货膨胀", "en": "inflation"}, {"zh": "量化宽松", "en": "quantitative easing"},
    {"zh": "供应链", "en": "supply chain"}, {"zh": "人口老龄化", "en": "population aging"},
)
# News people share in chitchat that mentions a complex-task word: (what they say, a kind reply).
ZH_KW_NEWS = (
    ("代码终于跑通了", "太棒了！折腾这么久终于跑通，值得庆祝一下。"),
    ("开题报告过了", "恭喜！开了个好头，接下来会越来越顺的。"),
    ("论文终于被录用了", "太厉害了，恭喜恭喜！这么久的努力终于有了回报。"),
    ("年终报告被老板表扬了", "恭喜你！努力被看见的感觉真好。"),
    ("方案设计一次就过了", "厉害！一次过可不容易，给自己点个赞。"),
    ("算法面试过了", "恭喜恭喜！准备了这么久，终于拿下了！"),
    ("旅行计划终于定下来了", "太好了，定下来就安心了，祝你玩得开心！"),
    ("代码又报错了，烦死了", "先深呼吸，起来走两步，回来说不定一眼就看出问题了。"),
    ("报告被打回来重写", "辛苦了，别灰心，改完一定会更好的。"),
    ("论文被拒稿了", "抱抱你，被拒稿太常见了，改一改换个地方投，一定有机会。"),
    ("周末的计划全泡汤了", "好可惜呀，计划赶不上变化，下次补回来！"),
    ("做了一晚上证明题一道都没做出来", "辛苦了，卡住的时候先睡一觉，第二天常常就有思路了。"),
    ("抖音的算法也太懂我了", "哈哈，看来它把你的喜好摸透了，刷的时候别熬夜哦。"),
)
EN_KW_NEWS = (
    ("My code finally compiles", "Woohoo! That first clean build feels amazing."),
    ("My essay got an A", "Congrats! All that work paid off."),
    ("Our project plan got approved", "Nice! Congrats to you and the team."),
    ("I aced my algorithms exam", "Amazing — congrats, you earned it!"),
    ("My strategy deck went over really well", "That's great! Nice work."),
    ("The report is finally done", "Congrats! Go enjoy a well-deserved break."),
    ("Just finished the proof for my homework", "Nice work! That's a satisfying feeling."),
    ("My code broke again and I'm so done", "Ugh, sorry. Take a short break — fresh eyes help a lot."),
    ("My weekend plans fell through", "Bummer! Maybe a lazy weekend is just what you need."),
    ("My report got sent back for rewrites", "That's frustrating. The second draft is usually the better one, though!"),
    ("Spent three hours on one proof and got nowhere",
     "That's rough. Sleep on it — ideas often show up the next morning."),
    ("The YouTube algorithm keeps showing me cat videos",
     "Honestly, the algorithm has good taste. Cat videos are the best."),
)

# Long, chatty context before a simple request (no keywords).
EN_PLAIN_TASKS = tuple(t for t in EN_TASKS if "report" not in t[0] and "plan" not in t[0])  # "plants"
OVEN_C = ("150", "160", "170", "175", "180", "190", "200", "220", "230", "250")
OVEN_F = ("300", "325", "350", "375", "400", "425", "450")
ZH_LONG_DAYS = ("今天真是累坏了，早上赶地铁差点迟到，中午又被客户催了好几次，晚上回来还得自己做饭",
                "这一周过得太糟心了，周一手机摔坏了，周三又淋了一场大雨，今天钱包还差点丢了",
                "孩子昨晚闹了一整夜没睡好，今天上班一直打瞌睡，下班路上又堵了一个多小时",
                "刚搬完家，从早上八点忙到晚上九点，箱子还堆了一地，腰也快直不起来了")
ZH_LONG_ASKS = (("陪我聊会儿天吧", "辛苦啦！我在呢，想聊点什么都可以。"),
                ("说点好听的安慰安慰我", "抱抱你！你已经做得很好了，今晚好好休息，明天又是新的一天。"),
                ("你说我是不是该早点睡", "当然啦，累了一天，早点睡才能把精力补回来。晚安！"))
EN_LONG_DAYS = ("I had the longest day: my train was late, my boss moved every deadline up, and I still had to cook "
                "dinner when I got home",
                "Today was a mess, I spilled coffee on my laptop this morning, missed the bus, and then got soaked "
                "walking home in the rain",
                "My kids were up three times last night, the dog chewed my favorite shoes, and I sat in traffic for "
                "an hour this afternoon",
                "We finally finished moving into the new apartment after twelve hours of carrying boxes up four "
                "flights of stairs")
EN_LONG_ASKS = (("can you just chat with me for a bit?", "Of course! That sounds exhausting — I'm here. What's on "
                 "your mind?"),
                ("say something nice to cheer me up?", "You made it through all of that, and that's worth being "
                 "proud of. Be kind to yourself tonight."),
                ("should I just go to bed early?", "Honestly, yes — an early night sounds like exactly what you "
                 "need. Sleep well!"))

# Complex requests phrased without any complex-task keyword: questions, imperatives and
# multi-constraint situations that still need multi-step reasoning, long writing or real code.
ZH_PLAIN_PROOF = (
    "为什么 1/n 的级数发散，而 1/n² 收敛？", "为什么√2不可能写成两个整数之比？", "素数为什么会有无穷多个？",
    "为什么不能用尺规把任意角三等分？", "为什么0.999…循环等于1？", "一元二次方程的求根公式是怎么来的？",
    "实数和整数都有无穷多个，凭什么说实数更“多”？", "为什么 e^(iπ) + 1 = 0 成立？",
    "凭什么说五次方程没有一般的根式解？", "为什么 n³ − n 总能被6整除？", "为什么任意三角形的内角和都是180度？",
    "蒙提霍尔问题里，为什么换门赢的概率是三分之二？", "为什么 e^x 的导数还是它自己？",
    "调和级数每一项都越来越小，加起来为什么还是无穷大？", "为什么任意六个人里总能找到三个互相认识或者互不认识的？",
    "为什么正多面体只有五种？", "辗转相除法为什么一定能求出最大公约数？", "为什么有理数能一个一个数出来，实数却不行？",
    "单摆的周期为什么跟摆球的质量无关？", "为什么停机问题是不可判定的？", "为什么不存在最大的素数？",
)
EN_PLAIN_PROOF = (
    "Why can't you trisect an arbitrary angle with ruler and compass?",
    "Why does the sum of 1/n diverge while the sum of 1/n² converges?",
    "Why can't the square root of 2 be written as a fraction?", "How do we know there are infinitely many primes?",
    "Why is 0.999... exactly equal to 1?", "Why does e^(iπ) + 1 = 0 hold?",
    "Why is there no general formula for solving quintic equations?",
    "Why are there more real numbers than whole numbers if both are infinite?",
    "Why is n³ − n always divisible by 6?", "Why does switching doors win two thirds of the time in the Monty Hall "
    "problem?", "Why is e^x its own derivative?", "Why do the angles of every triangle add up to 180 degrees?",
    "Where does the quadratic formula actually come from?",
    "Why does the harmonic series diverge even though its terms shrink to zero?",
    "Why are there only five Platonic solids?", "Why does Euclid's method always find the greatest common divisor?",
    "Why can you list the rationals one by one but not the reals?",
    "Why doesn't a pendulum's period depend on its mass?", "Why is the halting problem undecidable?",
    "Why is there no largest prime number?",
    "Why must any six people include three mutual friends or three mutual strangers?",
)
ZH_PLAIN_WALK = ("为什么前n个奇数之和总是完全平方数", "公钥加密是怎么让两个陌生人在公开信道上约定密钥的",
                 "为什么闭区间上的连续函数一定能取到最大值", "球的体积公式是怎么来的", "为什么RSA解密能还原出明文",
                 "为什么五次方程没有一般的求根公式")
EN_PLAIN_WALK = ("how public-key crypto lets two strangers agree on a secret",
                 "why the sum of the first n odd numbers is always a perfect square",
                 "why a continuous function on a closed interval must reach a maximum",
                 "where the volume formula for a sphere comes from", "why RSA decryption undoes the encryption",
                 "why a general quintic can't be solved with radicals")
ZH_PLAIN_ISSUES = (
    "如果利率连续五年保持在8%，房价和就业会怎样？", "为什么日本经济在九十年代之后停滞了这么久？",
    "人口老龄化会给中国的养老金体系带来哪些长期影响？", "远程办公会不会让一线城市的房价跌下来？",
    "短视频到底在怎样改变青少年的注意力和学习习惯？", "为什么同样是发达国家，北欧的贫富差距比美国小得多？",
    "全民基本收入在中国行得通吗？利弊各是什么？", "人工智能普及以后，哪些职业最先受冲击，社会该怎么应对？",
    "为什么星巴克在中国越来越难做了？", "美联储加息是怎么一步步影响到新兴市场的汇率和股市的？",
    "核电和风电光伏，哪条路更能帮中国做到碳中和？", "为什么有的城市收拥堵费成功了，有的却推行不下去？",
    "为什么这几年年轻人越来越不愿意结婚生孩子？有没有办法扭转？", "新能源车的价格战最后会打成什么样，谁能活下来？",
    "为什么拼多多能在阿里和京东的夹缝里做起来？", "延迟退休到底会不会挤占年轻人的工作机会？",
    "为什么英伟达在AI芯片上几乎没有对手？", "外卖平台抽成这么高，到底是商家、骑手还是顾客在买单？",
)
EN_PLAIN_ISSUES = (
    "What would happen to house prices and jobs if interest rates stayed at 8% for five years?",
    "Why did Japan's economy stagnate for so long after 1990?",
    "How would a four-day work week change productivity, wages and family life?",
    "Why do the Nordic countries have so much less inequality than the US?",
    "Could a universal basic income actually work, and who would pay for it?",
    "What caused the 2008 financial crisis, and did the rules written afterwards fix the problem?",
    "How are short-video apps changing the way teenagers pay attention and learn?",
    "Which jobs will AI hit first, and how should governments respond?",
    "Why did congestion pricing succeed in Stockholm but stall in so many other cities?",
    "Is nuclear power or wind and solar the better bet for reaching net zero?",
    "How did streaming change the economics of the music industry?",
    "What does an aging population mean for public pensions over the next thirty years?",
    "Why are young people in rich countries having fewer kids, and can anything reverse it?",
    "Where is the EV price war heading, and which carmakers survive it?",
    "How did Temu and Shein grow so fast, and what does it mean for Amazon?",
    "Does raising the retirement age actually hurt young workers' job prospects?",
    "Why does Nvidia have almost no real competition in AI chips?",
    "Who really pays for food-delivery commissions: restaurants, couriers or customers?",
)
ZH_PLAIN_WRITING = (
    "帮我写一份三千字的毕业典礼致辞", "写一篇关于乡村振兴的时评，两千字左右",
    "给我写一篇五千字的小说，主题是一个机器人学会了说谎", "写一篇关于故乡的散文，要有真情实感，两千字以上",
    "帮我写一篇三千字的读后感，书是《活着》", "替我写一份公司十周年庆典上的董事长讲话稿，大概四千字",
    "写一篇给高三学生的励志演讲稿，两千五百字左右", "以“城市与孤独”为题写一篇三千字的杂文",
)
EN_PLAIN_WRITING = (
    "write a 3,000-word commencement speech for a nursing school graduation",
    "write a short story of about 4,000 words about a robot that learns to lie",
    "write a long-form feature on how remote work is reshaping small towns",
    "write a 1,500-word eulogy for my grandfather that captures his humor and his years as a fisherman",
    "write a 2,500-word op-ed arguing for or against banning phones in schools",
    "write a 3,000-word book review of Orwell's 1984 that ties it to today's world",
    "write a keynote speech of about 5,000 words for our company's tenth anniversary",
)
ZH_PLAIN_TRIPS = (
    "我下个月带爸妈去云南玩一周，他们腿脚不太好，预算一万，怎么安排合适？",
    "五一想带两个孩子和老人去成都玩四天，每天去哪儿、住哪儿好？",
    "还有四个月办婚礼，预算15万，120位客人，接下来每个月该做些什么？",
    "我想半年内把雅思从5.5提到7分，每天只有晚上两小时，该怎么安排学习？",
    "公司30个人要办一场两天一夜的年会，预算5万，从场地到流程帮我安排一下",
    "想从成都自驾去拉萨，一共十天，怕高反，每天开到哪里、住哪里合适？",
    "我月薪8000，房租2500，欠了两万信用卡，怎么在一年内还清？",
    "下学期五门课加每周20小时实习，还要准备两个比赛，时间怎么排？",
    "我想三个月内减掉10斤，每周只能去三次健身房，腰还有旧伤，怎么练怎么吃？",
    "暑假带孩子坐火车玩法国、瑞士和意大利，两周时间，每人预算3万，路线怎么走？",
    "一家四口下周去三亚五天，小的才两岁，每天的活动和吃住怎么安排？",
    "我要在八个月内边上班边转行做数据工作，每个月该学些什么？",
    "两大两小去北疆自驾10天，孩子5岁和8岁，预算两万，怎么走？", "爸妈第一次去北京，妈妈血压高，五天怎么玩才不累？",
    "离秋招还剩两个月，要刷题、改简历、准备面试，每天怎么安排？", "11月去冰岛环岛8天，想看极光又怕路滑，路线怎么走？",
)
EN_PLAIN_TRIPS = (
    "Five days in Japan for two people on $3,000, and one of us is vegetarian. Where should we go each day?",
    "I have six weeks until the GRE and only evenings and Sundays free. How should I split my study time?",
    "My parents can't walk far and we have a week in Yunnan on 10,000 yuan. How should we spend it?",
    "We're getting married in five months with a $25k budget and 100 guests. What has to happen each month?",
    "How do I go from couch to marathon in 16 weeks running only four days a week with a bad knee?",
    "Two weeks backpacking Thailand and Vietnam in the rainy season for under $1,500: what route makes sense?",
    "I take home $4,200 a month and owe $8,000 on credit cards. How do I become debt-free within a year?",
    "How can I fit five courses, a 20-hour internship and two hackathons into one semester?",
    "How should we run a two-day offsite for 30 people on $20k, with team building and an awards dinner?",
    "How should I spend the next eight months switching into data science without quitting my job?",
    "We have seven days in Utah's national parks with two toddlers and a grandparent who can't hike far. How "
    "should we split the days?",
    "How do I feed a family of four gluten-free for a week on $150, with a shopping list and a dinner for each "
    "night?",
    "Ten days on Iceland's ring road in November, and we're nervous winter drivers. How should we split it?",
    "My parents are in their seventies and need a rest every afternoon. How should we do five days in Rome?",
    "I have two months until interviews and I work full time. What should each week look like?",
    "Seven days in Costa Rica with a 3-year-old who naps every afternoon: where do we stay, what do we do each day?",
)
ZH_PLAIN_BUILDS = (
    "用 Python 写一个带重试和限速的网页爬虫", "用 Go 写一个支持 Raft 复制的键值存储",
    "用 C++ 写一棵红黑树，插入和删除都要有", "用 Rust 写一个支持 keep-alive 的 HTTP 服务器",
    "用 React 写一个能分页、搜索、排序的表格组件", "写一个能解析加减乘除和括号的计算器，不许用 eval",
    "用 PyTorch 从零写一个 Transformer，并在小数据集上把训练跑通", "用 Python 写一个支持断点续传的多线程下载器",
    "写一个带过期时间的 LRU 缓存，get 和 put 都要 O(1)", "用 TypeScript 写一个支持撤销和重做的文本编辑器内核",
    "用 Java 写一个线程安全的有界阻塞队列", "写个脚本把几千张照片按拍摄日期自动归档，重名文件和损坏文件都要处理好",
    "用 Python 写一个数独求解器，要用回溯加剪枝", "用 JavaScript 写一个带碰撞检测的贪吃蛇",
    "用 Rust 写一个能优雅关闭的线程池", "写个工具把 CSV 导进 SQLite，列类型要自动推断",
    "不用 sklearn，只用 numpy 写一个 K-means 聚类", "写一个支持多房间的 WebSocket 聊天服务器",
)
EN_PLAIN_BUILDS = (
    "write a Python web scraper with retries and rate limiting", "build a thread-safe bounded blocking queue in Java",
    "write a red-black tree in C++ with insert and delete", "write a Go key-value store that replicates with Raft",
    "write a small HTTP/1.1 server in Rust that supports keep-alive",
    "build a React table with pagination, search and sorting",
    "write a parser for arithmetic expressions with parentheses and operator precedence, without using eval",
    "write a Transformer from scratch in PyTorch and train it on a toy dataset",
    "write a multi-threaded Python downloader that can resume interrupted downloads",
    "write an LRU cache with per-entry expiry where get and put are both O(1)",
    "set up a GitHub Actions pipeline that builds a Docker image, runs the tests against Postgres and deploys to "
    "Kubernetes",
    "build an undo/redo engine for a collaborative text editor in TypeScript",
    "write a sudoku solver in Python using backtracking with pruning",
    "build a snake game in JavaScript with collision detection",
    "write a thread pool in Rust that shuts down gracefully",
    "write a tool that loads a CSV into SQLite and works out the column types",
    "write k-means clustering with numpy only, no scikit-learn", "build a multi-room WebSocket chat server",
)
ZH_PLAIN_DEBUG = (
    "数据库的 MVCC 是怎么做到读写互不阻塞的？", "我的 Java 服务每隔几小时就 Full GC 一次，一卡好几秒，该怎么排查？",
    "Raft 是怎么保证各个节点日志一致的？", "Python 的 GIL 到底是怎么工作的，为什么多线程跑 CPU 密集任务反而更慢？",
    "React 的 Fiber 架构是怎么调度渲染的？", "线上 Node 服务内存一直涨，几个小时就崩，怎么定位？",
)
EN_PLAIN_DEBUG = (
    "How does PostgreSQL let readers and writers avoid blocking each other?",
    "My Node service leaks memory under load and crashes every few hours. How do I track this down?",
    "How does Raft keep the logs on every node consistent?",
    "Why does multithreading make my CPU-bound Python slower, and what actually happens inside the GIL?",
    "How does React's Fiber architecture schedule rendering work?",
    "Our Java service freezes for seconds during full GCs every few hours. How do I find the cause?",
)

# ---------------------------------------------------------------------------------------------
# Number formatting (exact arithmetic with Fraction, half-up rounding to 2 decimals)


def _round_half_up(q: Fraction, places: int = 2) -> Fraction:
    """Round `q` to `places` decimals, halves away from zero (what people expect, unlike round())."""
    scale = 10 ** places
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
    whole, frac = divmod(abs(r.numerator) * 10 ** places // r.denominator, 10 ** places)
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


def _pick(rng: random.Random, table: dict[str, Sequence[str]], lang: str) -> str:
    return rng.choice(table[lang])


def _s_room(rng: random.Random, lang: str) -> Slots:
    return {"room": _pick(rng, ROOMS, lang)}


def _s_ac_temp(rng: random.Random, lang: str) -> Slots:
    temp = rng.randint(16, 30) if lang == "zh" else rng.randint(62, 80)
    return {"room": _pick(rng, AC_ROOMS, lang), "temp": str(temp)}


def _s_ac_mode(rng: random.Random, lang: str) -> Slots:
    feel, mode = rng.choice(ZH_AC_FEEL if lang == "zh" else EN_AC_FEEL)
    if lang == "zh":
        temp = rng.randint(22, 27) if mode != "制热" else rng.randint(20, 26)
    else:
        temp = rng.randint(68, 76) if mode == "cool" else rng.randint(66, 74)
    return {"room": _pick(rng, AC_ROOMS, lang), "feel": feel, "mode": mode, "temp": str(temp)}


def _s_light(rng: random.Random, lang: str) -> Slots:
    room = _pick(rng, ROOMS, lang)
    if lang == "zh":
        verb, state = rng.choice((("打开", "打开"), ("开一下", "打开"), ("关掉", "关闭"), ("关了", "关闭")))
        return {"room": room, "light_verb": verb, "light_state": state}
    return {"room": room, "on_off": rng.choice(("on", "off"))}


def _s_room_pct(rng: random.Random, lang: str) -> Slots:
    return {"room": _pick(rng, ROOMS, lang), "pct": str(rng.randrange(10, 101, 10))}


def _s_room_pct_high(rng: random.Random, lang: str) -> Slots:
    return {"room": _pick(rng, ROOMS, lang), "pct": str(rng.randrange(50, 101, 10))}


def _s_room_pct_low(rng: random.Random, lang: str) -> Slots:
    return {"room": _pick(rng, ROOMS, lang), "pct": str(rng.randrange(10, 61, 10))}


def _s_screen_pct(rng: random.Random, lang: str) -> Slots:
    return {"pct": str(rng.randrange(10, 101, 10))}


def _s_curtain(rng: random.Random, lang: str) -> Slots:
    room = _pick(rng, ROOMS, lang)
    if lang == "zh":
        return {"room": room, "curtain_verb": rng.choice(("拉开", "拉上", "打开", "关上"))}
    verb, ing = rng.choice((("open", "opening"), ("close", "closing")))
    return {"room": room, "curtain_verb": verb, "curtain_ing": ing,
            "shade": rng.choice(("curtains", "blinds", "shades"))}


def _s_volume(rng: random.Random, lang: str) -> Slots:
    return {"vol": str(rng.randrange(5, 101, 5))}


def _s_volume_step(rng: random.Random, lang: str) -> Slots:
    return {"device": _pick(rng, VOLUME_DEVICES, lang), "step": str(rng.randint(2, 5))}


def _s_toggle(rng: random.Random, lang: str) -> Slots:
    item, item_r = rng.choice(TOGGLE_ITEMS[lang])
    on = rng.random() < 0.5
    if lang == "zh":
        return {"item": item,
                "toggle_verb": rng.choice(("打开", "开启")) if on else rng.choice(("关闭", "关掉")),
                "toggle_tail": rng.choice(("开一下", "打开", "开开")) if on else rng.choice(("关一下", "关掉", "关了吧")),
                "toggle_state": "已打开" if on else "已关闭"}
    return {"item": item, "item_r": item_r, "on_off": "on" if on else "off"}


def _s_dnd_until(rng: random.Random, lang: str) -> Slots:
    return {"until": rng.choice(ZH_DND_UNTIL if lang == "zh" else EN_DND_UNTIL)}


def _s_dnd_dur(rng: random.Random, lang: str) -> Slots:
    return {"dur": rng.choice(ZH_DND_DURATIONS if lang == "zh" else EN_DND_DURATIONS)}


def _s_appliance(rng: random.Random, lang: str) -> Slots:
    room, appliance = _pick(rng, ROOMS, lang), _pick(rng, APPLIANCES, lang)
    if lang == "zh":
        verb, state = rng.choice((("打开", "打开"), ("开一下", "打开"), ("关掉", "关闭"), ("关一下", "关闭")))
        return {"room": room, "appliance": appliance, "app_verb": verb, "app_state": state}
    return {"room": room, "appliance": appliance, "on_off": rng.choice(("on", "off"))}


def _s_light_color(rng: random.Random, lang: str) -> Slots:
    return {"room": _pick(rng, ROOMS, lang), "color": _pick(rng, LIGHT_COLORS, lang)}


def _s_water_temp(rng: random.Random, lang: str) -> Slots:
    return {"wtemp": str(rng.randrange(40, 66, 5) if lang == "zh" else rng.randrange(105, 141, 5))}


def _s_door(rng: random.Random, lang: str) -> Slots:
    return {"door": _pick(rng, DOORS, lang),
            "please": rng.choice(("", "吧", "，谢谢") if lang == "zh" else ("", " please", ", thanks"))}


# --- times ---


def _zh_time(rng: random.Random, morning: bool = False, with_day: bool = True) -> tuple[str, str]:
    """A zh time expression as typed ('明天下午3点半') and its 24-hour clock ('15:30')."""
    period, hours = ("早上", (5, 6, 7, 8)) if morning else rng.choice(ZH_PERIODS)
    hour = rng.choice(hours)
    mtext, minute = rng.choice(ZH_MINUTES)
    day = rng.choice(ZH_MORNING_DAYS if morning else ZH_DAYS) if with_day else ""
    label = day + period
    if day == "今天" and period == "晚上":
        label = "今晚"
    elif day == "明天" and period == "早上" and rng.random() < 0.5:
        label = "明早"
    hour24 = hour + 12 if period in ("下午", "晚上") else hour
    return f"{label}{hour}点{mtext}", f"{hour24}:{minute:02d}"


def _en_time(rng: random.Random, morning: bool = False, with_day: bool = True) -> str:
    """An en time expression such as '7:30 am tomorrow' or '3 pm on Friday'."""
    hour24 = rng.randint(5, 9) if morning else rng.randint(6, 22)
    minute = rng.choice(EN_MINUTES)
    hour = hour24 - 12 if hour24 > 12 else hour24
    suffix = "am" if hour24 < 12 else "pm"
    clock = f"{hour}:{minute:02d} {suffix}" if minute else f"{hour} {suffix}"
    if hour24 == 12 and minute == 0:
        clock = "noon"
    day = rng.choice(EN_MORNING_DAYS if morning else EN_DAYS) if with_day else ""
    return f"{clock} {day}".strip()


def _a_an(adjective: str) -> str:
    """'a 5-minute' / 'an 8-minute' / 'an 11-minute' (by sound, for the number-led adjectives here)."""
    return ("an " if adjective.startswith(("8", "11", "18")) else "a ") + adjective


def _s_duration(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"dur": rng.choice(ZH_DURATIONS)}
    dur, adj = rng.choice(EN_DURATIONS)
    return {"dur": dur, "a_dur_adj": _a_an(adj)}


def _s_duration_task(rng: random.Random, lang: str) -> Slots:
    task, task_r = rng.choice(ZH_TASKS if lang == "zh" else EN_TASKS)
    return {**_s_duration(rng, lang), "task": task, "task_r": task_r}


def _s_cook_timer(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"food": rng.choice(ZH_FOODS), "dur": rng.choice(ZH_SHORT_DURATIONS)}
    dur, adj = rng.choice(EN_SHORT_DURATIONS)
    return {"food": rng.choice(EN_FOODS), "dur": dur, "a_dur_adj": _a_an(adj)}


def _s_snooze(rng: random.Random, lang: str) -> Slots:
    return {"dur": rng.choice(ZH_SNOOZE if lang == "zh" else EN_SNOOZE)}


def _s_time(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        text, clock = _zh_time(rng)
        return {"time": text, "clock": clock}
    return {"time": _en_time(rng)}


def _s_time_morning(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        text, clock = _zh_time(rng, morning=True)
        return {"time": text, "clock": clock}
    return {"time": _en_time(rng, morning=True)}


def _s_clock_morning(rng: random.Random, lang: str) -> Slots:
    """A morning time without a day, for repeating alarms."""
    if lang == "zh":
        text, clock = _zh_time(rng, morning=True, with_day=False)
        return {"time": text, "clock": clock}
    return {"time": _en_time(rng, morning=True, with_day=False)}


def _s_time_task(rng: random.Random, lang: str) -> Slots:
    task, task_r = rng.choice(ZH_TASKS if lang == "zh" else EN_TASKS)
    return {**_s_time(rng, lang), "task": task, "task_r": task_r}


def _s_daily_task(rng: random.Random, lang: str) -> Slots:
    task, task_r = rng.choice(ZH_TASKS if lang == "zh" else EN_TASKS)
    if lang == "zh":
        text, clock = _zh_time(rng, with_day=False)
        return {"time": text, "clock": clock, "task": task, "task_r": task_r}
    return {"time": _en_time(rng, with_day=False), "task": task, "task_r": task_r}


def _s_meeting_lead(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        text, clock = _zh_time(rng, with_day=False)
        return {"time": text, "clock": clock, "lead": rng.choice(ZH_LEAD)}
    return {"time": _en_time(rng, with_day=False), "lead": rng.choice(EN_LEAD)}


# --- lookups ---


def _s_weather(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"city": rng.choice(ZH_CITIES), "day": rng.choice(ZH_WEATHER_DAYS)}
    day, day_poss = rng.choice(EN_WEATHER_DAYS)
    return {"city": rng.choice(EN_CITIES), "day": day, "day_poss": day_poss}


def _s_world_city(rng: random.Random, lang: str) -> Slots:
    return {"wcity": rng.choice(ZH_WORLD_CITIES if lang == "zh" else EN_WORLD_CITIES)}


def _en_unit(unit: str, value: str) -> str:
    _, singular, plural = UNIT_NAMES[unit]
    return singular if Fraction(value) == 1 else plural


def _conversion_sampler(kind: str, values: Sequence[str] | None = None) -> Sampler:
    """Sampler for converting unit a to unit b ('km_mi'): the source value (from `values`, default
    CONVERSION_VALUES of the source unit) and the exact reply."""
    src, dst = kind.split("_")

    def sample(rng: random.Random, lang: str) -> Slots:
        x = rng.choice(values or CONVERSION_VALUES[src])
        y = CONVERSIONS[kind](Fraction(x))
        y_text = _num(y)
        exact = Fraction(y_text) == y
        if lang == "zh":
            result = f"{x} {UNIT_NAMES[src][0]}{'等于' if exact else '约等于'} {y_text} {UNIT_NAMES[dst][0]}"
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


def _s_phrase(rng: random.Random, lang: str) -> Slots:
    row = rng.choice(PHRASES)
    return {"zh": row["zh"], "zh_bare": _bare(row["zh"]), "en": row["en"], "en_bare": _bare(row["en"]),
            "en_lc": _lower_first(_bare(row["en"])), "ja": row["ja"], "fr": row["fr"]}


# --- arithmetic (exact, with Fraction) ---


def _s_mul(rng: random.Random, lang: str) -> Slots:
    a, b = rng.randint(11, 99), rng.randint(2, 99)
    return {"a": str(a), "b": str(b), "line": f"{a} × {b} = {a * b}"}


def _s_add(rng: random.Random, lang: str) -> Slots:
    a, b = rng.randint(10, 999), rng.randint(10, 999)
    return {"a": str(a), "b": str(b), "line": f"{a} + {b} = {a + b}"}


def _s_sub(rng: random.Random, lang: str) -> Slots:
    a = rng.randint(100, 999)
    b = rng.randint(10, a - 1)
    return {"a": str(a), "b": str(b), "line": f"{a} − {b} = {a - b}"}


def _s_div(rng: random.Random, lang: str) -> Slots:
    if rng.random() < 0.5:
        b = rng.randint(2, 12)
        a = b * rng.randint(2, 99)
    else:
        b = rng.randint(3, 9)
        a = rng.randint(10, 500)
    value = Fraction(a, b)
    return {"a": str(a), "b": str(b), "line": _equation(f"{a} ÷ {b}", value, _num(value))}


def _s_square(rng: random.Random, lang: str) -> Slots:
    a = rng.randint(11, 99)
    return {"a": str(a), "line": f"{a} × {a} = {a * a}"}


def _s_sum3(rng: random.Random, lang: str) -> Slots:
    a, b, c = rng.randint(5, 500), rng.randint(5, 500), rng.randint(5, 500)
    return {"a": str(a), "b": str(b), "c": str(c), "line": f"{a} + {b} + {c} = {a + b + c}"}


def _s_combo(rng: random.Random, lang: str) -> Slots:
    a, b, c = rng.randint(2, 60), rng.randint(2, 60), rng.randint(2, 12)
    return {"a": str(a), "b": str(b), "c": str(c), "line": f"({a} + {b}) × {c} = {(a + b) * c}"}


def _s_percent(rng: random.Random, lang: str) -> Slots:
    p = rng.choice((5, 8, 10, 12, 15, 18, 20, 25, 30, 35, 40, 45, 50, 60, 75))
    base = rng.choice((rng.randint(2, 200) * 10, rng.randint(20, 999)))
    value = Fraction(base * p, 100)
    return {"p": str(p), "base": str(base), "line": _equation(f"{base} × {p}%", value, _num(value))}


def _s_tip(rng: random.Random, lang: str) -> Slots:
    p = rng.choice((10, 12, 15, 18, 20, 22, 25))
    bill = rng.randint(18, 260)
    tip = Fraction(bill * p, 100)
    total = bill + _round_half_up(tip)
    return {"p": str(p), "bill": str(bill), "line": _equation(f"{bill} × {p}%", tip, _money(tip)),
            "total": _money(total)}


def _s_average(rng: random.Random, lang: str) -> Slots:
    nums = [rng.randint(10, 100) for _ in range(rng.choice((3, 3, 4, 5)))]
    value = Fraction(sum(nums), len(nums))
    expr = f"({' + '.join(map(str, nums))}) ÷ {len(nums)}"
    listed = "、".join(map(str, nums)) if lang == "zh" else ", ".join(map(str, nums[:-1])) + f" and {nums[-1]}"
    return {"nums": listed, "line": _equation(expr, value, _num(value))}


def _s_discount(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        label, mult = rng.choice((("9折", "0.9"), ("8折", "0.8"), ("85折", "0.85"), ("75折", "0.75"), ("7折", "0.7"),
                                  ("6折", "0.6"), ("5折", "0.5"), ("95折", "0.95"), ("88折", "0.88")))
        price = rng.choice((rng.randint(3, 99) * 10 - 1, rng.randint(20, 999)))
        value = price * Fraction(mult)
        return {"price": str(price), "z": label, "line": _equation(f"{price} × {mult}", value, _money(value))}
    p = rng.choice((10, 15, 20, 25, 30, 40, 50, 60))
    price = rng.choice((rng.randint(2, 40) * 5, rng.randint(10, 300)))
    value = price * (1 - Fraction(p, 100))
    return {"price": str(price), "p": str(p), "line": _equation(f"{price} × (1 − {p}%)", value, _money(value))}


def _s_split(rng: random.Random, lang: str) -> Slots:
    total, k = rng.randint(60, 1500), rng.randint(2, 8)
    value = Fraction(total, k)
    return {"total": str(total), "k": str(k), "line": _equation(f"{total} ÷ {k}", value, _money(value))}


def _s_pct_change(rng: random.Random, lang: str) -> Slots:
    old = rng.randint(10, 400)
    new = old + rng.randint(1, max(2, old // 2))
    value = Fraction(new - old, old)
    text = _num(value * 100) + "%"
    return {"old": str(old), "new": str(new), "line": _equation(f"({new} − {old}) ÷ {old} × 100%", value, text)}


# --- chitchat ---


def _s_greet(rng: random.Random, lang: str) -> Slots:
    greet, reply = rng.choice(ZH_GREETINGS if lang == "zh" else EN_GREETINGS)
    return {"greet": greet, "greet_reply": reply,
            "punct": rng.choice(("", "！", "~", "呀") if lang == "zh" else ("", "!", "!!", " :)")),
            "addr": rng.choice(ZH_ADDRESS if lang == "zh" else EN_ADDRESS)}


def _s_thanks(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"thanks": rng.choice(ZH_THANKS) + rng.choice(ZH_THANKS_TAIL), "welcome": rng.choice(ZH_WELCOME)}
    return {"thanks": rng.choice(EN_THANKS) + rng.choice(EN_THANKS_TAIL), "welcome": rng.choice(EN_WELCOME)}


def _s_howru(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"howru": rng.choice(("", "嘿，", "小助手，")) + rng.choice(ZH_HOWRU) + rng.choice(("", "？", "呀", "啊"))}
    return {"howru": rng.choice(("", "Hey, ", "So ")) + "how are you " + rng.choice(EN_HOWRU_TAIL)}


def _s_joke(rng: random.Random, lang: str) -> Slots:
    kind, joke = rng.choice(ZH_JOKES if lang == "zh" else EN_JOKES)
    return {"kind": kind, "joke": joke, "tail": rng.choice(ZH_TAILS[:4] if lang == "zh" else ("", "?", " pls"))}


def _s_event(rng: random.Random, lang: str) -> Slots:
    return {"event": rng.choice(ZH_EVENTS if lang == "zh" else EN_EVENTS),
            "when": rng.choice(ZH_WHEN if lang == "zh" else EN_WHEN)}


def _s_bad_day(rng: random.Random, lang: str) -> Slots:
    bad, comfort = rng.choice(ZH_BAD_DAYS if lang == "zh" else EN_BAD_DAYS)
    return {"bad": bad, "comfort": comfort}


def _s_compliment(rng: random.Random, lang: str) -> Slots:
    return {"comp": rng.choice(ZH_COMPLIMENTS if lang == "zh" else EN_COMPLIMENTS),
            "tail": rng.choice(ZH_TAILS if lang == "zh" else EN_TAILS)}


def _s_can_do_tail(rng: random.Random, lang: str) -> Slots:
    return {"qtail": rng.choice(("", "？", "呀？", "啊") if lang == "zh" else ("", "?", " exactly?", " for me?"))}


def _s_name_tail(rng: random.Random, lang: str) -> Slots:
    return {"ntail": rng.choice(("", "？", "呀", "啊？") if lang == "zh" else ("", "?", " by the way?", ", assistant?"))}


def _s_bored(rng: random.Random, lang: str) -> Slots:
    return {"bored": rng.choice(ZH_BORED if lang == "zh" else EN_BORED),
            "tail": rng.choice(("", "～", "。。。") if lang == "zh" else ("", "...", " :("))}


def _s_goodnight(rng: random.Random, lang: str) -> Slots:
    return {"night": rng.choice(ZH_GOODNIGHT if lang == "zh" else EN_GOODNIGHT),
            "tail": rng.choice(("", "，小助手", "～", "，明天见") if lang == "zh"
                               else ("", "!", ", assistant", ", see you tomorrow"))}


def _s_birthday(rng: random.Random, lang: str) -> Slots:
    return {"bday": rng.choice(ZH_BIRTHDAY if lang == "zh" else EN_BIRTHDAY),
            "tail": rng.choice(("", "！", "，好开心", "～") if lang == "zh" else ("", "!", " :)", " 🎂"))}


def _s_plan(rng: random.Random, lang: str) -> Slots:
    return {"plan": rng.choice(ZH_PLANS if lang == "zh" else EN_PLANS),
            "tail": rng.choice(("", "！", "哈哈") if lang == "zh" else ("", "!", " :D"))}


# --- complex tasks ---


def _task_sampler(zh: Sequence[str], en: Sequence[str], key: str = "task") -> Sampler:
    def sample(rng: random.Random, lang: str) -> Slots:
        return {key: rng.choice(zh if lang == "zh" else en)}

    return sample


SAMPLERS: dict[str, Sampler] = {
    "room": _s_room, "ac_temp": _s_ac_temp, "ac_mode": _s_ac_mode, "light": _s_light, "room_pct": _s_room_pct,
    "room_pct_high": _s_room_pct_high, "room_pct_low": _s_room_pct_low, "screen_pct": _s_screen_pct,
    "curtain": _s_curtain, "volume": _s_volume, "volume_step": _s_volume_step, "toggle": _s_toggle,
    "dnd_until": _s_dnd_until, "dnd_dur": _s_dnd_dur, "appliance": _s_appliance, "light_color": _s_light_color,
    "water_temp": _s_water_temp, "door": _s_door,
    "duration": _s_duration, "duration_task": _s_duration_task, "cook_timer": _s_cook_timer, "snooze": _s_snooze,
    "time": _s_time, "time_morning": _s_time_morning, "clock_morning": _s_clock_morning, "time_task": _s_time_task,
    "daily_task": _s_daily_task, "meeting_lead": _s_meeting_lead,
    "weather": _s_weather, "world_city": _s_world_city,
    **{f"conv_{kind}": _conversion_sampler(kind) for kind in CONVERSIONS},
    "phrase": _s_phrase,
    "mul": _s_mul, "add": _s_add, "sub": _s_sub, "div": _s_div, "square": _s_square, "sum3": _s_sum3,
    "combo": _s_combo, "percent": _s_percent, "tip": _s_tip, "average": _s_average, "discount": _s_discount,
    "split": _s_split, "pct_change": _s_pct_change,
    "greet": _s_greet, "thanks": _s_thanks, "howru": _s_howru, "joke": _s_joke, "event": _s_event,
    "bad_day": _s_bad_day, "compliment": _s_compliment, "can_do_tail": _s_can_do_tail,
    "name_tail": _s_name_tail, "bored": _s_bored,
    "goodnight": _s_goodnight, "birthday": _s_birthday, "plan": _s_plan,
    "proof": _task_sampler(ZH_PROOF_TASKS, EN_PROOF_TASKS),
    "analysis": _task_sampler(ZH_ANALYSIS_TASKS, EN_ANALYSIS_TASKS),
    "planning": _task_sampler(ZH_PLAN_TASKS, EN_PLAN_TASKS),
    "code": _task_sampler(ZH_CODE_TASKS, EN_CODE_TASKS),
    "code_explain": _task_sampler(ZH_CODE_EXPLAIN, EN_CODE_EXPLAIN, key="etask"),
}

# --- confounders ---


def _s_none(rng: random.Random, lang: str) -> Slots:
    return {}


def _adding(base: Sampler, **tables: tuple[Sequence[str], Sequence[str]]) -> Sampler:
    """Sampler `base` plus one slot per keyword argument, drawn from its (zh, en) table (in order)."""
    def sample(rng: random.Random, lang: str) -> Slots:
        slots = dict(base(rng, lang))
        for key, (zh, en) in tables.items():
            slots[key] = rng.choice(zh if lang == "zh" else en)
        return slots

    return sample


def _s_kw_habit(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        text, clock = _zh_time(rng, with_day=False)
        return {"time": text, "clock": clock, "habit": rng.choice(ZH_KW_HABITS)}
    habit, habit_r = rng.choice(EN_KW_HABITS)
    return {"time": _en_time(rng, with_day=False), "habit": habit, "habit_r": habit_r}


def _s_plain_time_task(rng: random.Random, lang: str) -> Slots:
    task, task_r = rng.choice(ZH_TASKS if lang == "zh" else EN_PLAIN_TASKS)
    return {**_s_time(rng, lang), "task": task, "task_r": task_r}


def _s_ac_cool(rng: random.Random, lang: str) -> Slots:
    """An AC room and a temperature someone who feels hot would ask for."""
    temp = rng.randint(20, 26) if lang == "zh" else rng.randint(66, 74)
    return {"room": _pick(rng, AC_ROOMS, lang), "temp": str(temp)}


def _s_diff(rng: random.Random, lang: str) -> Slots:
    a = rng.randint(50, 500)
    b = rng.randint(10, a - 1)
    return {"a": str(a), "b": str(b), "d": str(a - b), "line": f"{a} − {b} = {a - b}"}


def _s_term(rng: random.Random, lang: str) -> Slots:
    row = rng.choice(TERMS)
    return {f"term_{k}": v for k, v in row.items()}


def _s_kw_sentence(rng: random.Random, lang: str) -> Slots:
    row = rng.choice(KW_SENTENCES)
    return {"s_zh": row["zh"], "s_en": row["en"]}


def _s_long_day(rng: random.Random, lang: str) -> Slots:
    ask, reply = rng.choice(ZH_LONG_ASKS if lang == "zh" else EN_LONG_ASKS)
    return {"ctx": rng.choice(ZH_LONG_DAYS if lang == "zh" else EN_LONG_DAYS), "ask": ask, "ask_reply": reply}


_KW_ACT = (ZH_KW_ACTIVITIES, EN_KW_WORK)
_KW_DOC = (ZH_KW_DOCS, EN_KW_DOCS)

SAMPLERS.update({
    "kw_room_act": _adding(_s_room, act=_KW_ACT), "kw_dnd_act": _adding(_s_dnd_dur, act=_KW_ACT),
    "kw_ac_act": _adding(_s_ac_temp, act=_KW_ACT), "kw_vol_act": _adding(_s_volume, act=_KW_ACT),
    "kw_curtain_act": _adding(_s_curtain, act=_KW_ACT), "kw_color_doc": _adding(_s_light_color, doc=_KW_DOC),
    "kw_time_doc": _adding(_s_time, doc=_KW_DOC), "kw_dur_doc": _adding(_s_duration, doc=_KW_DOC),
    "kw_dur_act": _adding(_s_duration, act=_KW_ACT), "kw_habit": _s_kw_habit,
    "kw_meeting": _adding(_s_meeting_lead, meeting=(ZH_KW_MEETINGS, EN_KW_MEETINGS)),
    "term": _s_term, "kw_sentence": _s_kw_sentence, "diff": _s_diff,
    "kw_tired_joke": _adding(_s_joke, tired=(ZH_KW_TIRED, EN_KW_WORK)),
    "kw_doc_tail": _adding(_s_none, doc=_KW_DOC, tail=(ZH_TAILS, EN_TAILS)),
    "kw_event": _adding(_s_none, kw_event=(ZH_KW_EVENTS, EN_KW_EVENTS), when=(ZH_WHEN, EN_WHEN)),
    "kw_lazy": _adding(_s_none, lazy=(ZH_LAZY, EN_LAZY), tail=(ZH_TAILS, EN_TAILS)),
    "plain_time_task": _s_plain_time_task, "ac_cool": _s_ac_cool, "long_day": _s_long_day,
    "long_day_joke": _adding(_s_joke, ctx=(ZH_LONG_DAYS, EN_LONG_DAYS)),
    "conv_c_f_oven": _conversion_sampler("c_f", OVEN_C), "conv_f_c_oven": _conversion_sampler("f_c", OVEN_F),
    "plain_proof": _task_sampler(ZH_PLAIN_PROOF, EN_PLAIN_PROOF, key="q"),
    "plain_walk": _task_sampler(ZH_PLAIN_WALK, EN_PLAIN_WALK, key="walk"),
    "plain_issue": _task_sampler(ZH_PLAIN_ISSUES, EN_PLAIN_ISSUES, key="q"),
    "plain_writing": _task_sampler(ZH_PLAIN_WRITING, EN_PLAIN_WRITING, key="w"),
    "plain_trip": _task_sampler(ZH_PLAIN_TRIPS, EN_PLAIN_TRIPS, key="q"),
    "plain_build": _task_sampler(ZH_PLAIN_BUILDS, EN_PLAIN_BUILDS, key="w"),
    "plain_debug": _task_sampler(ZH_PLAIN_DEBUG, EN_PLAIN_DEBUG, key="q"),
})

# --- short complex requests and the new confounders ---

EN_CLAIMS = tuple(f"that {fact}" for fact in EN_FACTS) + EN_THEOREMS  # "Prove {claim}."


def _s_claim(rng: random.Random, lang: str) -> Slots:
    return {"claim": rng.choice(ZH_CLAIMS if lang == "zh" else EN_CLAIMS)}


def _s_algo_lang(rng: random.Random, lang: str) -> Slots:
    return {"algo": rng.choice(ZH_ALGOS if lang == "zh" else EN_ALGOS), "lang": rng.choice(CODE_LANGS)}


def _s_prog_lang(rng: random.Random, lang: str) -> Slots:
    return {"prog": rng.choice(ZH_PROGS if lang == "zh" else EN_PROGS), "lang": rng.choice(CODE_LANGS)}


def _s_prog_task(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"ptask": rng.choice(ZH_PROG_TASKS), "lang": rng.choice(CODE_LANGS)}
    return {"does": rng.choice(EN_PROG_DOES), "lang": rng.choice(CODE_LANGS)}


def _s_trip(rng: random.Random, lang: str) -> Slots:
    if lang == "zh":
        return {"n": str(rng.randint(3, 10)), "place": rng.choice(ZH_PLACES), "cons": rng.choice(ZH_TRIP_CONSTRAINTS)}
    return {"n": str(rng.randint(3, 14)), "place": rng.choice(EN_PLACES), "who": rng.choice(EN_TRIP_FOR),
            "with_": rng.choice(EN_TRIP_WITH)}


def _s_jargon(rng: random.Random, lang: str) -> Slots:
    row = rng.choice(JARGON)
    return {"j_zh": row["zh"], "j_en": row["en"]}


def _s_weather2(rng: random.Random, lang: str) -> Slots:
    """Two different cities and a day (comparing the weather of two places is still a look-up)."""
    slots = _s_weather(rng, lang)
    slots["city2"] = rng.choice([c for c in (ZH_CITIES if lang == "zh" else EN_CITIES) if c != slots["city"]])
    return slots


def _s_kw_news(rng: random.Random, lang: str) -> Slots:
    news, reply = rng.choice(ZH_KW_NEWS if lang == "zh" else EN_KW_NEWS)
    return {"news": news, "news_reply": reply, "tail": rng.choice(ZH_TAILS if lang == "zh" else EN_TAILS)}


def _merged(*samplers: Sampler) -> Sampler:
    """A sampler drawing each of `samplers` in order and merging their slots."""
    def sample(rng: random.Random, lang: str) -> Slots:
        slots: Slots = {}
        for sampler in samplers:
            slots.update(sampler(rng, lang))
        return slots

    return sample


_s_topic = _task_sampler(ZH_TOPICS, EN_TOPICS, key="topic")
# Durations of a work session or a stretch of reading (a 30-second timer would not fit those requests).
_s_long_dur = _task_sampler(("20分钟", "25分钟", "半小时", "40分钟", "45分钟", "1小时", "一个半小时"),
                            ("20 minutes", "25 minutes", "30 minutes", "45 minutes", "an hour", "an hour and a half"),
                            key="dur")
_s_prog = _task_sampler(ZH_PROGS, EN_PROGS, key="prog")

SAMPLERS.update({
    "claim": _s_claim,
    "fact": _task_sampler(ZH_FACTS, EN_FACTS, key="fact"),
    "theorem": _task_sampler(ZH_THEOREMS, EN_THEOREMS, key="theorem"),
    "deriv": _task_sampler(ZH_DERIVATIONS, EN_DERIVATIONS, key="deriv"),
    "algo": _task_sampler(ZH_ALGOS, EN_ALGOS, key="algo"),
    "algo_lang": _s_algo_lang, "prog": _s_prog, "prog_lang": _s_prog_lang, "prog_task": _s_prog_task,
    "topic": _s_topic, "trip": _s_trip, "goal": _task_sampler(ZH_GOALS, EN_GOALS, key="goal"),
    "jargon": _s_jargon, "time_jargon": _merged(_s_time, _s_jargon),
    "jargon_tail": _adding(_s_jargon, tail=(ZH_TAILS, EN_TAILS)),
    "dur_prog": _merged(_s_duration, _s_prog), "time_topic": _merged(_s_time, _s_topic),
    "weather2": _s_weather2, "kw_news": _s_kw_news,
    "long_dur": _s_long_dur,
    "kw_long_dur_act": _adding(_s_long_dur, act=_KW_ACT), "kw_dnd_until": _adding(_s_dnd_until, doc=_KW_DOC),
    "kw_appliance_doc": _adding(_s_appliance, doc=_KW_DOC),
    "kw_door": _adding(_s_door, meeting=(ZH_KW_MEETINGS, EN_KW_MEETINGS)),
    "kw_room_pct": _adding(_s_room_pct_high, act=_KW_ACT),
    "kw_room_pct_low_doc": _adding(_s_room_pct_low, doc=_KW_DOC),
    "kw_world_doc": _adding(_s_world_city, doc=_KW_DOC), "kw_act": _adding(_s_none, act=_KW_ACT),
    "tail": _adding(_s_none, tail=(ZH_TAILS, EN_TAILS)),
})

# ---------------------------------------------------------------------------------------------
# Templates: category -> lang -> phrasings. The position in the tuple is the group id (t01, ...),
# so append new templates at the end to keep existing group ids stable.

TEMPLATES: dict[str, dict[str, tuple[Template, ...]]] = {
    "device_control": {
        "zh": (
            T("把{room}空调调到{temp}度", "好的，已为你把{room}空调调到 {temp} 度。", "ac_temp"),
            T("帮我把{room}的灯{light_verb}", "好的，{room}的灯已{light_state}。", "light"),
            T("{room}有点暗，灯调亮一点，调到{pct}%吧", "好的，{room}灯光亮度已调到 {pct}%。", "room_pct_high"),
            T("能不能把{room}的窗帘{curtain_verb}", "好的，正在{curtain_verb}{room}的窗帘。", "curtain"),
            T("音量调到{vol}", "好的，音量已调到 {vol}。", "volume"),
            T("{device}声音太大了，调小{step}格", "好的，{device}音量已调低 {step} 格。", "volume_step"),
            T("帮我{toggle_verb}一下{item}", "好的，{item}{toggle_state}。", "toggle"),
            T("{item}{toggle_tail}", "{item}{toggle_state}。", "toggle"),
            T("开启勿扰模式，到{until}", "好的，勿扰模式已开启，将在{until}自动关闭。", "dnd_until"),
            T("我要开会了，开一下免打扰，{dur}后再关", "好的，勿扰模式已开启，{dur}后自动关闭。", "dnd_dur"),
            T("麻烦把{room}的{appliance}{app_verb}", "好的，已{app_state}{room}的{appliance}。", "appliance"),
            T("{room}{feel}，空调开{mode}，{temp}度", "好的，{room}空调已切换到{mode}模式，温度 {temp} 度。", "ac_mode"),
            T("手机屏幕亮度调到{pct}%", "好的，屏幕亮度已调到 {pct}%。", "screen_pct"),
            T("让扫地机器人去扫一下{room}", "好的，扫地机器人已出发去清扫{room}。", "room"),
            T("把{room}的灯调成{color}", "好的，{room}灯光已切换为{color}。", "light_color"),
            T("我要睡了，{room}的灯全关了吧", "好的，{room}的灯已全部关闭，晚安。", "room"),
            T("热水器温度设成{wtemp}度", "好的，热水器温度已设为 {wtemp} 度。", "water_temp"),
            T("请把{door}锁上{please}", "好的，{door}已上锁。", "door"),
            T("把{room}窗帘开到{pct}%就行", "好的，{room}窗帘已打开到 {pct}%。", "room_pct"),
        ),
        "en": (
            T("Set the {room} AC to {temp}", "Done. The {room} AC is set to {temp}°F.", "ac_temp"),
            T("Turn {on_off} the {room} lights", "Okay, the {room} lights are {on_off}.", "light"),
            T("dim the {room} lights to {pct} percent", "Sure, the {room} lights are now at {pct}%.", "room_pct_low"),
            T("{Curtain_verb} the {room} {shade} please", "Okay, {curtain_ing} the {room} {shade}.", "curtain"),
            T("Set the volume to {vol}", "Volume set to {vol}.", "volume"),
            T("The {device} is way too loud, turn it down {step} notches",
              "Turned the {device} down {step} steps.", "volume_step"),
            T("Turn {on_off} {item}", "{Item_r} is now {on_off}.", "toggle"),
            T("can you switch {item} {on_off}", "Done, {item_r} is {on_off}.", "toggle"),
            T("Turn on Do Not Disturb until {until}", "Do Not Disturb is on until {until}.", "dnd_until"),
            T("I'm heading into a meeting, silence my phone for {dur}",
              "Okay, Do Not Disturb is on for {dur}.", "dnd_dur"),
            T("Switch {on_off} the {appliance} in the {room}", "Done, the {room} {appliance} is {on_off}.",
              "appliance"),
            T("It's {feel} in the {room}, set the AC to {mode} at {temp}",
              "Okay, the {room} AC is set to {mode} at {temp}°F.", "ac_mode"),
            T("Screen brightness {pct}%", "Screen brightness set to {pct}%.", "screen_pct"),
            T("Send the robot vacuum to the {room}", "The robot vacuum is on its way to the {room}.", "room"),
            T("Change the {room} lights to {color}", "The {room} lights are set to {color}.", "light_color"),
            T("going to bed, kill all the lights in the {room}", "All the {room} lights are off. Good night!", "room"),
            T("Lock the {door}{please}", "The {door} is locked.", "door"),
            T("Open the {room} blinds to {pct}%", "The {room} blinds are open to {pct}%.", "room_pct"),
            T("Could you set the water heater to {wtemp} degrees?", "Sure, the water heater is set to {wtemp}°F.",
              "water_temp"),
        ),
    },
    "timer_reminder": {
        "zh": (
            T("设个{dur}的计时器", "好的，{dur}计时开始。", "duration"),
            T("{dur}后提醒我{task}", "好的，{dur}后提醒你{task_r}。", "duration_task"),
            T("{time}提醒我{task}", "好的，{time}我会提醒你{task_r}。", "time_task"),
            T("帮我定个{time}的闹钟", "好的，已为你设置{time}的闹钟。", "time"),
            T("{time}叫我起床", "好的，{time}叫你起床。", "time_morning"),
            T("煮{food}，帮我倒计时{dur}", "好的，{dur}倒计时开始，到时间提醒你关火。", "cook_timer"),
            T("把{time}的闹钟取消掉", "好的，已取消{time}的闹钟。", "time"),
            T("工作日每天{time}叫我", "好的，已设置工作日 {clock} 的重复闹钟。", "clock_morning"),
            T("别忘了{time}提醒我{task}", "记下了，{time}提醒你{task_r}。", "time_task"),
            T("能不能{time}提醒我一下要{task}", "没问题，{time}会提醒你{task_r}。", "time_task"),
            T("请在{time}提醒我{task}，谢谢", "好的，已添加提醒：{time}{task_r}。", "time_task"),
            T("闹钟改到{time}", "好的，闹钟已改到{time}。", "time_morning"),
            T("再让我睡{dur}，到点叫我", "好的，{dur}后叫你。", "snooze"),
            T("每天{time}提醒我{task}", "好的，已设置每天 {clock} 的提醒：{task_r}。", "daily_task"),
            T("我{time}有个会，提前{lead}提醒我", "好的，会在{time}的会议开始前{lead}提醒你。", "meeting_lead"),
            T("计时{dur}，开始", "好的，{dur}倒计时已开始。", "duration"),
        ),
        "en": (
            T("set a timer for {dur}", "Timer set for {dur}.", "duration"),
            T("Remind me to {task} in {dur}", "Okay, I'll remind you to {task_r} in {dur}.", "duration_task"),
            T("remind me to {task} at {time}", "Sure, I'll remind you to {task_r} at {time}.", "time_task"),
            T("Set an alarm for {time}", "Alarm set for {time}.", "time"),
            T("Wake me up at {time}", "Okay, I'll wake you up at {time}.", "time_morning"),
            T("I'm boiling {food}, start {a_dur_adj} timer", "Starting {a_dur_adj} timer for the {food}.",
              "cook_timer"),
            T("Cancel the alarm for {time}", "Done, the alarm for {time} is cancelled.", "time"),
            T("Set a weekday alarm for {time}", "Done — alarm set for {time} every weekday.", "clock_morning"),
            T("Don't let me forget to {task} at {time}", "Got it — I'll remind you to {task_r} at {time}.",
              "time_task"),
            T("Can you remind me at {time} to {task}?", "Sure thing. Reminder set for {time}: {task_r}.",
              "time_task"),
            T("snooze {dur}", "Snoozing for {dur}.", "snooze"),
            T("Move my alarm to {time}", "Your alarm is now set for {time}.", "time_morning"),
            T("Every day at {time}, remind me to {task}", "Daily reminder set: {task_r} at {time}.", "daily_task"),
            T("Remind me {lead} before my {time} meeting", "Okay, I'll remind you {lead} before your {time} meeting.",
              "meeting_lead"),
            T("{A_dur_adj} timer please", "Starting {a_dur_adj} timer now.", "duration"),
            T("Please set a reminder in {dur} to {task}", "Done. I'll remind you to {task_r} in {dur}.",
              "duration_task"),
        ),
    },
    "lookup": {
        "zh": (
            T("{city}{day}天气怎么样", "正在为你查询{city}{day}的天气。", "weather"),
            T("{day}{city}下雨吗", "正在为你查询{city}{day}的降雨情况。", "weather"),
            T("查下{city}{day}多少度", "正在为你查询{city}{day}的气温。", "weather"),
            T("{day}要去{city}出差，那边天气如何", "正在为你查询{city}{day}的天气。", "weather"),
            T("{city}{day}需要带伞吗", "正在为你查询{city}{day}的天气预报。", "weather"),
            T("请问{city}{day}的空气质量怎么样", "正在为你查询{city}{day}的空气质量。", "weather"),
            T("{wcity}现在几点", "正在为你查询{wcity}的当前时间。", "world_city"),
            T("帮我看看{wcity}那边现在几点了", "正在为你查询{wcity}的当地时间。", "world_city"),
            T("我们这边和{wcity}时差多少", "正在为你查询本地与{wcity}的时差。", "world_city"),
            T("{x}公里等于多少英里", "{result}。", "conv_km_mi"),
            T("{x}英里是多少公里啊", "{result}。", "conv_mi_km"),
            T("帮我换算一下，{x}摄氏度是多少华氏度", "换算结果：{result}。", "conv_c_f"),
            T("{x}华氏度是多少摄氏度", "{result}。", "conv_f_c"),
            T("{x}公斤换成磅是多少", "{result}。", "conv_kg_lb"),
            T("{x}磅是几公斤", "{result}。", "conv_lb_kg"),
            T("{x}厘米等于多少英寸", "{result}。", "conv_cm_in"),
            T("{x}寸的屏幕对角线是多少厘米", "{result}。", "conv_in_cm"),
            T("{x}升合多少加仑", "按美制加仑算，{result}。", "conv_l_gal"),
            T("{x}加仑是多少升", "按美制加仑算，{result}。", "conv_gal_l"),
        ),
        "en": (
            T("what's the weather in {city} {day}", "Checking {day_poss} weather in {city} for you.", "weather"),
            T("Will it rain in {city} {day}?", "Let me check the rain forecast for {city} {day}.", "weather"),
            T("how cold is it going to be in {city} {day}", "Looking up {day_poss} temperatures in {city}.",
              "weather"),
            T("I'm flying to {city}, what's the weather like there {day}?",
              "Checking {day_poss} weather in {city} for you.", "weather"),
            T("Do I need an umbrella in {city} {day}?", "Checking the forecast for {city} {day}.", "weather"),
            T("What's the air quality in {city} {day}?", "Looking up {day_poss} air quality in {city}.", "weather"),
            T("What time is it in {wcity}?", "Checking the current time in {wcity}.", "world_city"),
            T("time in {wcity} right now", "Checking the local time in {wcity}.", "world_city"),
            T("How many hours ahead of us is {wcity}?", "Checking the time difference between here and {wcity}.",
              "world_city"),
            T("how many miles is {x} km", "{Result}.", "conv_km_mi"),
            T("Convert {xu} to kilometers", "{Result}.", "conv_mi_km"),
            T("What's {x} degrees Celsius in Fahrenheit?", "{Result}.", "conv_c_f"),
            T("{x}F in C?", "{Result}.", "conv_f_c"),
            T("{x} kg to lbs", "{Result}.", "conv_kg_lb"),
            T("How many kilos is {xu}?", "{Result}.", "conv_lb_kg"),
            T("{x} cm in inches", "{Result}.", "conv_cm_in"),
            T("How many centimeters is a {x}-inch screen?", "{Result} (diagonal).", "conv_in_cm"),
            T("Convert {xu} to gallons", "In US gallons, {result}.", "conv_l_gal"),
            T("how many liters in {xu}", "{Result} (US gallons).", "conv_gal_l"),
        ),
    },
    "translation": {
        "zh": (
            T("“{zh_bare}”用英语怎么说", "英语可以说：{en}", "phrase"),
            T("{zh_bare}，英文怎么讲", "英文是：{en}", "phrase"),
            T("帮我翻译成英文：{zh}", "英文翻译：{en}", "phrase"),
            T("“{en}”是什么意思", "意思是：{zh}", "phrase"),
            T("{en_bare} 翻译成中文", "中文是：{zh}", "phrase"),
            T("把“{zh}”翻译成日语", "日语是：{ja}", "phrase"),
            T("日语里“{zh_bare}”怎么说", "日语可以说：{ja}", "phrase"),
            T("“{zh_bare}”用法语怎么说", "法语可以说：{fr}", "phrase"),
            T("请问“{en}”这句英文是什么意思？", "这句话的意思是：{zh}", "phrase"),
            T("我想跟外国朋友说“{zh_bare}”，用英语怎么说比较地道？", "可以这样说：{en}", "phrase"),
            T("能不能帮我把这句翻成英文：{zh}", "可以说：{en}", "phrase"),
            T("下个月去法国玩，“{zh_bare}”法语怎么讲？", "法语是：{fr}", "phrase"),
            T("去日本旅游要用，“{zh_bare}”日语怎么说", "日语可以这么说：{ja}", "phrase"),
            T("英文“{en_bare}”怎么翻译", "翻译成中文是：{zh}", "phrase"),
        ),
        "en": (
            T("How do you say \"{en_bare}\" in Chinese?", "In Chinese: {zh}", "phrase"),
            T("Translate \"{zh}\" into English", "In English: {en}", "phrase"),
            T("what does {zh_bare} mean", "It means \"{en}\"", "phrase"),
            T("How would I say \"{en}\" in Japanese?", "In Japanese: {ja}", "phrase"),
            T("\"{en}\" in French?", "In French: {fr}", "phrase"),
            T("Can you translate this into Mandarin: {en}", "In Mandarin: {zh}", "phrase"),
            T("My Chinese coworker texted me \"{zh}\", what does that mean?", "It means \"{en}\"", "phrase"),
            T("quick French translation please: {en_lc}", "French: {fr}", "phrase"),
            T("What's the Japanese for \"{en_bare}\"?", "Japanese: {ja}", "phrase"),
            T("how to say {en_lc} in chinese", "Chinese: {zh}", "phrase"),
            T("I'm in Paris next week. How do I say \"{en}\" in French?", "You can say: {fr}", "phrase"),
            T("Translate to Simplified Chinese: {en}", "Simplified Chinese: {zh}", "phrase"),
            T("Visiting Tokyo soon, how do I say \"{en_bare}\" in Japanese?", "You can say: {ja}", "phrase"),
            T("what is {zh_bare} in english", "In English: {en}", "phrase"),
        ),
    },
    "arithmetic": {
        "zh": (
            T("{a}乘以{b}等于多少", "{line}。", "mul"),
            T("{a}加{b}是多少", "{line}。", "add"),
            T("{a}减{b}等于几", "{line}。", "sub"),
            T("{a}除以{b}是多少", "{line}。", "div"),
            T("算一下{a}×{b}", "{line}。", "mul"),
            T("{base}的{p}%是多少", "{line}。", "percent"),
            T("在美国吃饭花了{bill}美元，给{p}%的小费要给多少", "小费：{line} 美元，合计 {total} 美元。", "tip"),
            T("{nums}这几个数的平均数是多少", "平均数：{line}。", "average"),
            T("{price}元的衣服打{z}，要付多少钱", "折后价：{line} 元。", "discount"),
            T("{a}的平方是多少", "{line}。", "square"),
            T("{a}加{b}的和再乘以{c}等于多少", "{line}。", "combo"),
            T("聚餐一共花了{total}块，{k}个人AA，每人多少钱", "每人：{line} 元。", "split"),
            T("股票从{old}涨到{new}，涨了百分之多少", "涨幅：{line}。", "pct_change"),
            T("帮我算算{a}+{b}+{c}", "{line}。", "sum3"),
        ),
        "en": (
            T("what's {a} times {b}", "{line}.", "mul"),
            T("{a} plus {b}?", "{line}.", "add"),
            T("What is {a} minus {b}?", "{line}.", "sub"),
            T("{a} divided by {b}", "{line}.", "div"),
            T("Calculate {a} * {b}", "{line}.", "mul"),
            T("What's {p}% of {base}?", "{line}.", "percent"),
            T("Our dinner bill was ${bill}. How much is a {p}% tip?",
              "Tip: {line} dollars, for a total of ${total}.", "tip"),
            T("What's the average of {nums}?", "Average: {line}.", "average"),
            T("A ${price} jacket is {p}% off. What do I pay?", "Price after discount: {line} dollars.", "discount"),
            T("{a} squared", "{line}.", "square"),
            T("Add {a} and {b}, then multiply by {c}", "{line}.", "combo"),
            T("split ${total} between {k} people", "Each person pays: {line} dollars.", "split"),
            T("The price went from {old} to {new}. What's the percentage increase?", "Increase: {line}.",
              "pct_change"),
            T("how much is {a} + {b} + {c}", "{line}.", "sum3"),
        ),
    },
    "chitchat": {
        "zh": (
            T("{greet}{punct}", "{greet_reply}", "greet"),
            T("{addr}{greet}", "{greet_reply}", "greet"),
            T("{thanks}", "{welcome}", "thanks"),
            T("{howru}", "我挺好的，谢谢关心！你今天过得怎么样？", "howru"),
            T("讲个{kind}笑话{tail}", "{joke}", "joke"),
            T("好无聊，给我来个{kind}笑话", "来一个：{joke}", "joke"),
            T("{when}要{event}了，好紧张", "别紧张，深呼吸！你已经准备了这么久，{event}一定会顺利的，加油！", "event"),
            T("我{when}要{event}，给我打打气吧", "你一定可以的！祝{event}顺利，加油！", "event"),
            T("今天{bad}，好累啊", "{comfort}", "bad_day"),
            T("你真{comp}{tail}", "谢谢夸奖，我会继续努力的！", "compliment"),
            T("你都会干些什么{qtail}", "我可以帮你控制家里的设备、设闹钟和提醒、查天气、做翻译和简单计算，随时吩咐！",
              "can_do_tail"),
            T("{bored}{tail}", "我在呢！想聊点什么？要不要听个笑话？", "bored"),
            T("{night}{tail}", "晚安，做个好梦！", "goodnight"),
            T("{bday}{tail}", "生日快乐！祝你新的一岁万事顺意。", "birthday"),
            T("周末要去{plan}，好期待{tail}", "听起来很棒，祝你玩得开心！", "plan"),
            T("你叫什么名字{ntail}", "我是你的手机助手，叫我小助手就好。", "name_tail"),
        ),
        "en": (
            T("{greet}{punct}", "{greet_reply}", "greet"),
            T("{greet}, {addr}", "{greet_reply}", "greet"),
            T("{thanks}", "{welcome}", "thanks"),
            T("{howru}", "I'm doing great, thanks for asking! How about you?", "howru"),
            T("Tell me {kind}{tail}", "{joke}", "joke"),
            T("I'm bored, got {kind} for me?", "Here's one: {joke}", "joke"),
            T("I have a {event} {when} and I'm so nervous",
              "You've got this! Take a deep breath — you've prepared well, and your {event} is going to go great.",
              "event"),
            T("Wish me luck, my {event} is {when}", "Good luck with your {event}! You've totally got this.", "event"),
            T("Ugh, {bad} today", "{comfort}", "bad_day"),
            T("You're so {comp}{tail}", "Aw, thank you! That made my day.", "compliment"),
            T("What can you do{qtail}",
              "I can control your smart home, set timers and reminders, check the weather, translate and do "
              "quick math.",
              "can_do_tail"),
            T("{bored}{tail}", "I'm here! Want to chat, or shall I tell you a joke?", "bored"),
            T("{night}{tail}", "Good night! Sleep well.", "goodnight"),
            T("{bday}{tail}", "Happy birthday! Wishing you a wonderful year ahead.", "birthday"),
            T("Going {plan} this weekend, so excited{tail}", "That sounds awesome — have a great time!", "plan"),
            T("What's your name{ntail}", "I'm your on-device assistant. Just call me Assistant.", "name_tail"),
        ),
    },
    "proof_derivation": {
        "zh": (
            T("{task}，每一步都要写清楚理由", None, "proof"),
            T("能不能帮我{task}？课本上跳步太多，我没看懂，想要完整的过程", None, "proof"),
            T("我在准备期末考试，请{task}，并说明每一步用到了哪个定理或性质", None, "proof"),
            T("请严格地{task}，最后用通俗的话总结一下思路", None, "proof"),
            T("{task}，用LaTeX写出完整过程", None, "proof"),
            T("老师布置的作业：{task}。我卡在中间了，麻烦给出详细步骤，顺便指出容易出错的地方", None, "proof"),
            T("帮我{task}，推完之后再举个具体的数值例子验证一下", None, "proof"),
            T("我想彻底搞懂这个：{task}。请从定义出发一步一步推，不要跳步", None, "proof"),
        ),
        "en": (
            T("Can you {task}? Please show every step and justify it.", None, "proof"),
            T("{Task}, step by step and fully rigorous.", None, "proof"),
            T("I'm studying for my final. Please {task} and say which theorem each step relies on.", None, "proof"),
            T("Walk me through how to {task}. I want the full derivation, not just the final result.", None, "proof"),
            T("{Task}. Write it up in LaTeX and finish with an intuitive summary.", None, "proof"),
            T("my textbook skips a bunch of steps here: {task}. can you fill in all the details and point out "
              "common mistakes", None, "proof"),
            T("Please {task}, then sanity-check the result with a concrete numerical example.", None, "proof"),
            T("Explain rigorously, starting from the definitions, how to {task}.", None, "proof"),
        ),
    },
    "long_analysis": {
        "zh": (
            T("请{task}，要有数据支撑和具体案例", None, "analysis"),
            T("帮我{task}，从经济、社会和政策三个角度展开，写得深入一点", None, "analysis"),
            T("{task}，最后给出你的结论和建议", None, "analysis"),
            T("我在写论文，需要你{task}，列出主要观点、反方论据和可以参考的文献方向", None, "analysis"),
            T("能不能{task}？结构清晰一点，分小标题来写", None, "analysis"),
            T("假设你是行业研究员，{task}，并预测未来三到五年的趋势", None, "analysis"),
            T("给我{task}，正反两面都要讲到", None, "analysis"),
            T("{task}。内容要全面，逻辑要严谨", None, "analysis"),
        ),
        "en": (
            T("Please {task}, backed by data and concrete examples.", None, "analysis"),
            T("Can you {task}? Cover the economic, social and policy angles in depth.", None, "analysis"),
            T("{Task}, and end with your conclusions and recommendations.", None, "analysis"),
            T("I'm writing a paper and need you to {task}. List the main arguments, the counterarguments and where "
              "to look for sources.", None, "analysis"),
            T("Could you {task}? Use clear section headings and go into real depth.", None, "analysis"),
            T("Acting as an industry analyst, {task} and forecast the next three to five years.", None, "analysis"),
            T("I'd like you to {task}. Make sure both sides get a fair hearing.", None, "analysis"),
            T("{Task}. Be thorough and keep the argument well structured.", None, "analysis"),
        ),
    },
    "planning": {
        "zh": (
            T("帮我{task}，安排得越具体越好", None, "planning"),
            T("能不能{task}？把每个阶段的时间和花费都写清楚", None, "planning"),
            T("请{task}，并说明为什么这样安排，再给一个备选方案", None, "planning"),
            T("我想{task}，所有限制条件都要考虑到，给出一个能执行的方案", None, "planning"),
            T("{task}，用表格列出来", None, "planning"),
            T("麻烦你{task}，分阶段列出来，并标出风险点", None, "planning"),
            T("好头疼，你能不能帮我{task}？", None, "planning"),
            T("请你以专业顾问的身份{task}，考虑得周全一点", None, "planning"),
        ),
        "en": (
            T("Can you put together {task}? Break it down day by day or week by week.", None, "planning"),
            T("I need {task}. Include rough costs and a backup option for anything risky.", None, "planning"),
            T("Please make {task}, and explain the trade-offs you made.", None, "planning"),
            T("help me come up with {task}, be specific about timing and logistics", None, "planning"),
            T("Could you draft {task}? List the constraints first, then the plan, then the risks.", None, "planning"),
            T("I'm overwhelmed. Please create {task}, step by step.", None, "planning"),
            T("Design {task} and lay it out as a table.", None, "planning"),
            T("Work out {task}. Stick strictly to the constraints.", None, "planning"),
        ),
    },
    "coding": {
        "zh": (
            T("请{task}，附上完整代码和单元测试", None, "code"),
            T("帮我{task}，并分析时间和空间复杂度", None, "code"),
            T("{task}。代码要有注释，讲清楚关键的设计取舍", None, "code"),
            T("面试题：{task}。能给一份可以直接运行的代码吗？", None, "code"),
            T("我在做项目，需要{task}，边界情况和异常处理都要考虑", None, "code"),
            T("能不能{task}？顺便讲讲放到生产环境要注意哪些坑", None, "code"),
            T("{task}，先讲思路再写代码，最后给几个测试用例", None, "code"),
            T("详细讲讲{etask}，最好结合源码或伪代码来说明", None, "code_explain"),
            T("我一直没搞懂{etask}，能不能从原理到实现完整讲一遍，再举个例子？", None, "code_explain"),
        ),
        "en": (
            T("Please {task}, with full code and unit tests.", None, "code"),
            T("Can you {task}? Also analyze the time and space complexity.", None, "code"),
            T("{Task}. Comment the code and explain the key design decisions.", None, "code"),
            T("Interview prep: {task}. I'd like code I can actually run.", None, "code"),
            T("For a project I'm working on I need to {task}. Handle edge cases and errors properly.", None, "code"),
            T("Could you {task}? And tell me what to watch out for in production.", None, "code"),
            T("{Task}, explaining the approach first, then the code, then a few test cases.", None, "code"),
            T("Explain in detail {etask}, ideally with pseudocode or real source snippets.", None, "code_explain"),
            T("I've never really understood {etask}. Can you walk me through it from theory to implementation "
              "with an example?", None, "code_explain"),
        ),
    },
}

# Confounder templates, appended to TEMPLATES below (so the ids of the groups above stay put).
# KEYWORD: a simple request that mentions a complex-task word; LONG: a simple request wrapped in
# chatty context, longer than 40 (zh) / 120 (en) characters, without such words; PLAIN: a complex
# request phrased without any of them. Each cue's share of a stratum is fixed by CUE_SHARES.
K, L, P = KEYWORD, LONG, PLAIN
CONFOUNDER_TEMPLATES: dict[str, dict[str, tuple[Template, ...]]] = {
    "device_control": {
        "zh": (
            T("打开{room}的灯，我要{act}了", "好的，{room}的灯已打开。", "kw_room_act", K),
            T("我要专心{act}，开一下免打扰，{dur}后再关", "好的，勿扰模式已开启，{dur}后自动关闭。", "kw_dnd_act", K),
            T("{room}空调调到{temp}度，一会儿要在里面{act}", "好的，已为你把{room}空调调到 {temp} 度。", "kw_ac_act", K),
            T("把音量调到{vol}，我要开始{act}了", "好的，音量已调到 {vol}。", "kw_vol_act", K),
            T("按我设计好的灯光场景，把{room}的灯调成{color}", "好的，{room}灯光已切换为{color}。", "light_color", K),
            T("把{room}的窗帘{curtain_verb}，我准备{act}", "好的，正在{curtain_verb}{room}的窗帘。", "kw_curtain_act", K),
            T("我刚下班回到家，外面热得要命，整个人都快中暑了，麻烦先把{room}的空调打开，调到{temp}度吧",
              "好的，{room}空调已打开，温度调到 {temp} 度。", "ac_cool", L),
            T("孩子好不容易才睡着，我怕一会儿有电话打进来把他吵醒，帮我开一下勿扰模式，{dur}之后再自动关掉",
              "好的，勿扰模式已开启，{dur}后自动关闭。", "dnd_dur", L),
            T("家里来了几个老朋友，准备一起看场电影，想要一点氛围感，麻烦把{room}的灯调成{color}，谢谢",
              "好的，{room}灯光已切换为{color}。", "light_color", L),
        ),
        "en": (
            T("Turn on the {room} lights, I need to finish my {act}", "Okay, the {room} lights are on.",
              "kw_room_act", K),
            T("Silence my phone for {dur}, I have to focus on this {act}", "Okay, Do Not Disturb is on for {dur}.",
              "kw_dnd_act", K),
            T("Set the {room} AC to {temp}, I'll be working on my {act} in there",
              "Done. The {room} AC is set to {temp}°F.", "kw_ac_act", K),
            T("Change the {room} lights to {color} so I can read through the {doc}",
              "The {room} lights are set to {color}.", "kw_color_doc", K),
            T("{Curtain_verb} the {room} {shade}, I'm about to present my {act} on a video call",
              "Okay, {curtain_ing} the {room} {shade}.", "kw_curtain_act", K),
            T("Set the volume to {vol} while I work through this {act}", "Volume set to {vol}.", "kw_vol_act", K),
            T("My parents are coming over for dinner tonight and I want the place to feel cozy when they walk in, "
              "so could you set the {room} lights to {color}?", "The {room} lights are set to {color}.",
              "light_color", L),
            T("I just got back from a long run and I'm absolutely drenched in sweat, so please set the {room} AC to "
              "{temp} before I melt into the couch", "Done. The {room} AC is set to {temp}°F.", "ac_cool", L),
            T("The baby finally fell asleep after an hour of crying, so please silence my phone for {dur} so nobody's "
              "call wakes her up again", "Okay, Do Not Disturb is on for {dur}.", "dnd_dur", L),
        ),
    },
    "timer_reminder": {
        "zh": (
            T("提醒我{time}交{doc}", "好的，{time}提醒你交{doc}。", "kw_time_doc", K),
            T("{dur}后提醒我看一下{doc}", "好的，{dur}后提醒你看{doc}。", "kw_dur_doc", K),
            T("设个{dur}的番茄钟，我要专心{act}", "好的，{dur}番茄钟开始，专心{act}吧！", "kw_dur_act", K),
            T("以后每天{time}叫我{habit}", "好的，以后每天 {clock} 提醒你{habit}。", "kw_habit", K),
            T("我{time}有个{meeting}，提前{lead}提醒我", "好的，会在{time}的{meeting}开始前{lead}提醒你。",
              "kw_meeting", K),
            T("我最近老是忘记吃药，医生反复叮嘱一定要按时吃，你每天{time}提醒我一下吃药好不好，拜托啦",
              "好的，已设置每天 {clock} 的提醒：吃药。", "daily_task", L),
            T("明天一早要赶飞机，我特别怕睡过头错过航班，帮我定个{time}的闹钟，到时候记得多响几次",
              "好的，已为你设置{time}的闹钟。", "clock_morning", L),
            T("锅里煮着{food}，我要出门去楼下取个东西，可能会耽误一会儿，帮我倒计时{dur}，到点一定要叫我",
              "好的，{dur}倒计时开始，到时间提醒你关火。", "cook_timer", L),
        ),
        "en": (
            T("Remind me at {time} to review the {doc}", "Sure, I'll remind you to review the {doc} at {time}.",
              "kw_time_doc", K),
            T("Start {a_dur_adj} focus timer, I need to get through this {act}",
              "Starting {a_dur_adj} timer. Good luck with the {act}!", "kw_dur_act", K),
            T("Remind me in {dur} to send the {doc} to my boss",
              "Okay, I'll remind you to send the {doc} to your boss in {dur}.", "kw_dur_doc", K),
            T("Nudge me daily at {time} to {habit}", "Daily reminder set: {habit_r} at {time}.", "kw_habit", K),
            T("Remind me {lead} before my {time} {meeting}",
              "Okay, I'll remind you {lead} before your {time} {meeting}.", "kw_meeting", K),
            T("I have a terrible habit of forgetting things when work gets busy, so could you please remind me to "
              "{task} at {time}? Thanks so much.", "Sure, I'll remind you to {task_r} at {time}.",
              "plain_time_task", L),
            T("I've got {food} on the stove and I'm about to hop in the shower, so please start {a_dur_adj} timer "
              "and make it loud enough to hear", "Starting {a_dur_adj} timer for the {food}.", "cook_timer", L),
            T("Tomorrow is my first day at the new job and I'm terrified of oversleeping, so please set an alarm "
              "for {time} and make it a loud one", "Alarm set for {time}.", "clock_morning", L),
        ),
    },
    "lookup": {
        "zh": (
            T("我的出差行程是{day}去{city}，那边天气怎么样", "正在为你查询{city}{day}的天气。", "weather", K),
            T("露营计划要看天气，{city}{day}会下雨吗", "正在为你查询{city}{day}的降雨情况。", "weather", K),
            T("写报告要用，{x}公里等于多少英里", "{result}。", "conv_km_mi", K),
            T("做旅行规划要用：{wcity}和我们这边时差多少", "正在为你查询本地与{wcity}的时差。", "world_city", K),
            T("实验报告里写的是{x}摄氏度，换成华氏度是多少", "{result}。", "conv_c_f", K),
            T("帮我查下{city}{day}的天气，我好定一下行程", "正在为你查询{city}{day}的天气。", "weather", K),
            T("我下周要带孩子去{city}玩几天，行李还没收拾好，不知道该带厚衣服还是薄衣服，那边下周天气怎么样？",
              "正在为你查询{city}下周的天气。", "weather", L),
            T("我有个好朋友在{wcity}读书，我想给她打个视频电话，又怕吵到她睡觉，不知道她那边现在几点了？",
              "正在为你查询{wcity}的当前时间。", "world_city", L),
            T("这个烤蛋糕的食谱是从国外网站上抄来的，写着预热到{x}华氏度，我家烤箱只有摄氏度，该调到多少度？",
              "{result}。", "conv_f_c_oven", L),
        ),
        "en": (
            T("Planning a trip to {city}, will it rain there {day}?",
              "Let me check the rain forecast for {city} {day}.", "weather", K),
            T("For my lab report: what's {x} degrees Celsius in Fahrenheit?", "{Result}.", "conv_c_f", K),
            T("Quick one for a design review: how many centimeters is a {x}-inch screen?", "{Result} (diagonal).",
              "conv_in_cm", K),
            T("Our itinerary has us in {wcity} next. What time is it there now?",
              "Checking the current time in {wcity}.", "world_city", K),
            T("I need this for a report: convert {xu} to kilometers", "{Result}.", "conv_mi_km", K),
            T("Finalizing our plans, so what's the weather in {city} {day}?",
              "Checking {day_poss} weather in {city} for you.", "weather", K),
            T("I'm flying to {city} {day} for a two-day meeting and have no idea what to pack, so what's the "
              "weather going to be like there?", "Checking {day_poss} weather in {city} for you.", "weather", L),
            T("My sister just moved to {wcity} for work and I keep calling her at the wrong time of day, so what "
              "time is it over there right now?", "Checking the current time in {wcity}.", "world_city", L),
            T("I'm following a European recipe that says to preheat the oven to {x} degrees Celsius, but my oven "
              "only shows Fahrenheit. What's that in Fahrenheit?", "{Result}.", "conv_c_f_oven", L),
        ),
    },
    "translation": {
        "zh": (
            T("“{term_zh}”用英语怎么说", "“{term_zh}”的英文是 {term_en}。", "term", K),
            T("{term_en} 用中文怎么说", "{term_en} 的中文是“{term_zh}”。", "term", K),
            T("我在日本公司上班，“{term_zh}”用日语怎么说？", "日语是“{term_ja}”。", "term", K),
            T("“{term_zh}”这个词法语怎么讲", "法语是 {term_fr}。", "term", K),
            T("发邮件要用，“{s_zh}”英文怎么写", "可以这样写：{s_en}", "kw_sentence", K),
            T("老板发来一句“{s_en}”，翻译成中文是什么？", "中文意思是：{s_zh}", "kw_sentence", K),
            T("我下个月第一次去日本旅游，日语一句都不会，想先学几句常用的，“{zh_bare}”用日语怎么说？",
              "日语可以说：{ja}", "phrase", L),
            T("周末要请几个外国同事来家里吃饭，我英语不太好，想提前准备几句，“{zh_bare}”用英语怎么说才自然？",
              "可以这样说：{en}", "phrase", L),
        ),
        "en": (
            T("How do you say '{term_en}' in French?", "In French, '{term_en}' is « {term_fr} ».", "term", K),
            T("What's the Chinese word for '{term_en}'?", "In Chinese: {term_zh}", "term", K),
            T("What's '{term_en}' in Japanese?", "In Japanese: {term_ja}", "term", K),
            T("How would I say \"{s_en}\" in Chinese?", "In Chinese: {s_zh}", "kw_sentence", K),
            T("Translate this for my coworker in Shanghai: {s_en}", "In Chinese: {s_zh}", "kw_sentence", K),
            T("My girlfriend's grandmother only speaks French and I'm meeting her for the first time this weekend, "
              "so how do I say \"{en_bare}\" in French?", "You can say: {fr}", "phrase", L),
            T("I'm starting a new job in Shanghai next month and my Mandarin is really rusty, so could you tell me "
              "how to say \"{en_bare}\" in Chinese?", "In Chinese: {zh}", "phrase", L),
        ),
    },
    "arithmetic": {
        "zh": (
            T("帮我算一下季度报告里的销售额：{a}万比{b}万多多少？", "{line}，多 {d} 万。", "diff", K),
            T("写实验报告要用，{a}乘以{b}等于多少", "{line}。", "mul", K),
            T("项目预算规划：一共{total}元，平均分给{k}个小组，每组多少钱", "每组：{line} 元。", "split", K),
            T("这道算法题卡住了，先帮我算一下{a}的平方", "{line}。", "square", K),
            T("做数据分析要用，{nums}的平均数是多少", "平均数：{line}。", "average", K),
            T("按存钱计划每天存{a}元，存{b}天一共多少钱", "一共：{line} 元。", "mul", K),
            T("今天和几个老同学一起去吃了顿火锅，一共花了{total}块钱，我们{k}个人说好了AA，你帮我算算每个人该转多少钱",
              "每人：{line} 元。", "split", L),
            T("我在商场看中一件{price}块钱的羽绒服，店员说今天全场打{z}，我想知道打完折到底要付多少钱",
              "折后价：{line} 元。", "discount", L),
        ),
        "en": (
            T("I need {p}% of {base} for a report I'm writing", "{line}.", "percent", K),
            T("Quick check while I debug this code: what's {a} times {b}?", "{line}.", "mul", K),
            T("Our trip plan budgets ${total} for {k} people. How much is that per person?",
              "Each person pays: {line} dollars.", "split", K),
            T("Sales went from {old} to {new} this quarter. What's the percentage increase? It's for my analysis.",
              "Increase: {line}.", "pct_change", K),
            T("Compare {a} and {b} for me: how much bigger is the first one?",
              "{line}, so the first is bigger by {d}.", "diff", K),
            T("My essay has three sections of {a}, {b} and {c} words. What's the total?", "{line} words.", "sum3", K),
            T("We just finished a long dinner with some old friends from college and the bill came to ${bill}, so "
              "how much should we leave if we tip {p}%?", "Tip: {line} dollars, for a total of ${total}.", "tip", L),
            T("I'm tallying up what I spent this week and it was ${a} on groceries, ${b} on gas and ${c} on eating "
              "out, so what's my total for the whole week?", "{line} dollars.", "sum3", L),
        ),
    },
    "chitchat": {
        "zh": (
            T("{tired}写得好累，给我讲个笑话吧", "{joke}", "kw_tired_joke", K),
            T("刚熬夜把{doc}赶完，累死了{tail}", "辛苦啦！赶完就好，今天早点休息，好好补个觉。", "kw_doc_tail", K),
            T("{when}要{kw_event}了，心里好慌", "别慌，深呼吸！你已经准备了这么久，一定会顺利的，加油！", "kw_event", K),
            T("终于把{doc}交上去了{tail}", "恭喜恭喜！辛苦了这么久，好好犒劳一下自己吧。", "kw_doc_tail", K),
            T("我周末的计划就是{lazy}{tail}", "听起来很惬意，好好享受吧！", "kw_lazy", K),
            T("{ctx}，{ask}", "{ask_reply}", "long_day", L),
            T("{ctx}，给我讲个笑话吧", "辛苦啦，给你讲个笑话放松一下：{joke}", "long_day_joke", L),
        ),
        "en": (
            T("Writing this {tired} is exhausting, tell me a joke{tail}", "Here's one to cheer you up: {joke}",
              "kw_tired_joke", K),
            T("Just pulled an all-nighter on my {doc}{tail}",
              "That's rough! Grab some sleep when you can — you've earned it.", "kw_doc_tail", K),
            T("Big {kw_event} {when}, wish me luck", "Good luck with your {kw_event}! You've totally got this.",
              "kw_event", K),
            T("Finally submitted my {doc}{tail}", "Congratulations! That's a big weight off — go celebrate.",
              "kw_doc_tail", K),
            T("My big plan for the weekend is {lazy}{tail}", "Sounds perfect — enjoy it!", "kw_lazy", K),
            T("{Ctx}, {ask}", "{ask_reply}", "long_day", L),
            T("{Ctx}. Tell me a joke?", "Sorry about your day! Here's one: {joke}", "long_day_joke", L),
        ),
    },
    "proof_derivation": {
        "zh": (
            T("{q}", None, "plain_proof", P),
            T("我一直想不通：{q}", None, "plain_proof", P),
            T("{q}别只给结论，要讲清楚为什么", None, "plain_proof", P),
            T("{q}假设我只记得高中数学", None, "plain_proof", P),
            T("给我讲明白{walk}", None, "plain_walk", P),
        ),
        "en": (
            T("{q}", None, "plain_proof", P),
            T("I've never really understood this. {q}", None, "plain_proof", P),
            T("{q} Don't just state it, convince me.", None, "plain_proof", P),
            T("{q} Assume I only remember high-school math.", None, "plain_proof", P),
            T("Walk me through {walk}", None, "plain_walk", P),
        ),
    },
    "long_analysis": {
        "zh": (
            T("{q}", None, "plain_issue", P),
            T("最近一直在想：{q}", None, "plain_issue", P),
            T("{q}多讲讲背后的原因和可能的后果", None, "plain_issue", P),
            T("{w}", None, "plain_writing", P),
            T("{w}，文笔要好一点，别写成套话", None, "plain_writing", P),
        ),
        "en": (
            T("{q}", None, "plain_issue", P),
            T("Something I keep wondering about: {q}", None, "plain_issue", P),
            T("{q} Walk me through the causes and the likely knock-on effects.", None, "plain_issue", P),
            T("{W}", None, "plain_writing", P),
            T("Could you {w}? It has to be moving, not generic.", None, "plain_writing", P),
        ),
    },
    "planning": {
        "zh": (
            T("{q}", None, "plain_trip", P),
            T("求助！{q}", None, "plain_trip", P),
            T("{q}麻烦排得具体一点，时间和花费都要有", None, "plain_trip", P),
            T("{q}帮我想想，要考虑周全", None, "plain_trip", P),
        ),
        "en": (
            T("{q}", None, "plain_trip", P),
            T("Need help: {q}", None, "plain_trip", P),
            T("{q} Be concrete about days, times and costs.", None, "plain_trip", P),
            T("{q} Think it through properly, there's a lot to juggle.", None, "plain_trip", P),
        ),
    },
    "coding": {
        "zh": (
            T("{w}", None, "plain_build", P),
            T("帮个忙：{w}", None, "plain_build", P),
            T("{w}，要能直接跑起来，再附上测试", None, "plain_build", P),
            T("{q}", None, "plain_debug", P),
            T("{q}最好能讲到源码层面", None, "plain_debug", P),
        ),
        "en": (
            T("{W}", None, "plain_build", P),
            T("Can you {w}?", None, "plain_build", P),
            T("{W}. It should run as is, with tests.", None, "plain_build", P),
            T("{q}", None, "plain_debug", P),
            T("{q} Go down to the source level if you can.", None, "plain_debug", P),
        ),
    },
}
for _category, _by_lang in CONFOUNDER_TEMPLATES.items():
    for _lang, _extra in _by_lang.items():
        TEMPLATES[_category][_lang] += _extra
del K, L, P, _category, _by_lang, _lang, _extra

# Templates added with the SHORT cue and conversations (appended after the ones above, so the
# earlier group ids stay put). SHORT: a complex request far under the length thresholds - bare
# claims, terse imperatives, casual one-liners, the odd typo; the task decides, not the length.
# The edge templates add keywords in new roles (a word being translated, a reminder about a
# document, "比较" meaning "rather", "proofreading", a promo code), names of hard subjects in
# simple requests (translate "勾股定理", review your quicksort notes), short simple requests and a
# few more long chatty ones.
K, L, P, S = KEYWORD, LONG, PLAIN, SHORT
MORE_TEMPLATES: dict[str, dict[str, tuple[Template, ...]]] = {
    "device_control": {
        "zh": (
            T("{room}比较暗，灯调到{pct}%吧", "好的，{room}灯光亮度已调到 {pct}%。", "room_pct_high", K),
            T("我要{act}了，把{room}的灯调到{pct}%", "好的，{room}灯光亮度已调到 {pct}%。", "kw_room_pct", K),
            T("在赶{doc}，开勿扰到{until}", "好的，勿扰模式已开启，将在{until}自动关闭。", "kw_dnd_until", K),
            T("{app_verb}{room}的{appliance}，我在里面改{doc}", "好的，已{app_state}{room}的{appliance}。",
              "kw_appliance_doc", K),
            T("{meeting}开完了，我出门了，{door}锁一下", "好的，{door}已上锁。", "kw_door", K),
            T("要{act}了，开个勿扰", "好的，勿扰模式已开启，专心{act}吧。", "kw_act", K),
            T("{room}关灯", "好的，{room}的灯已关闭。", "room"),
            T("{room}空调{temp}度", "好的，已为你把{room}空调调到 {temp} 度。", "ac_temp"),
            T("我今天在外面跑了一整天，腿都快断了，回到家只想躺着不想动，帮我把{room}的灯{light_verb}，谢谢啦",
              "好的，{room}的灯已{light_state}。", "light", L),
        ),
        "en": (
            T("Dim the {room} lights to {pct}%, I'm proofreading the {doc}",
              "Sure, the {room} lights are now at {pct}%.", "kw_room_pct_low_doc", K),
            T("Do Not Disturb until {until}, I'm presenting the {doc}", "Do Not Disturb is on until {until}.",
              "kw_dnd_until", K),
            T("Switch {on_off} the {room} {appliance}, I'm working on the {doc} in there",
              "Done, the {room} {appliance} is {on_off}.", "kw_appliance_doc", K),
            T("Lock the {door}, heading out to the {meeting}", "The {door} is locked.", "kw_door", K),
            T("{Act} time — set the {room} lights to {pct}%", "Sure, the {room} lights are now at {pct}%.",
              "kw_room_pct", K),
            T("mute everything, {act} time", "Okay, Do Not Disturb is on. Good luck with the {act}!", "kw_act", K),
            T("{room} lights {on_off}", "Okay, the {room} lights are {on_off}.", "light"),
            T("{room} AC {temp}", "Done. The {room} AC is set to {temp}°F.", "ac_temp"),
            T("We're having friends over to watch the game tonight and it feels way too bright in here, so could you "
              "dim the {room} lights to {pct} percent?", "Sure, the {room} lights are now at {pct}%.", "room_pct_low",
              L),
        ),
    },
    "timer_reminder": {
        "zh": (
            T("今天比较忙，{dur}后提醒我{task}", "好的，{dur}后提醒你{task_r}。", "duration_task", K),
            T("{time}提醒我把{doc}发给导师", "好的，{time}提醒你把{doc}发给导师。", "kw_time_doc", K),
            T("按计划{time}叫我起床", "好的，{time}叫你起床。", "time_morning", K),
            T("明天行程很满，{time}叫我", "好的，{time}叫你。", "clock_morning", K),
            T("一{act}就忘了时间，{dur}后叫我吃饭", "好的，{dur}后叫你吃饭。", "kw_long_dur_act", K),
            T("设个{dur}的计时，限时做一道算法题", "好的，{dur}计时开始，加油！", "long_dur", K),
            T("{dur}后叫我交报告", "好的，{dur}后提醒你交报告。", "duration", K),
            T("{time}提醒我复习{j_zh}", "好的，{time}提醒你复习{j_zh}。", "time_jargon"),
            T("我在写{prog}，{dur}后提醒我休息", "好的，{dur}后提醒你休息。", "dur_prog"),
            T("{time}提醒我看那期讲{topic}的节目", "好的，{time}提醒你看那期讲{topic}的节目。", "time_topic"),
            T("{dur}倒计时", "好的，{dur}倒计时开始。", "duration"),
            T("晚上要给孩子炖汤，我怕一忙起来又忘了关火，上次差点把锅烧干，{dur}后一定提醒我去厨房看看",
              "好的，{dur}后提醒你去厨房看看。", "long_dur", L),
        ),
        "en": (
            T("I'm working on a proof for class, set a {dur} timer", "Timer set for {dur}. Good luck with the proof!",
              "long_dur", K),
            T("Remind me at {time} to print the {doc}", "Sure, I'll remind you to print the {doc} at {time}.",
              "kw_time_doc", K),
            T("remind me in {dur} to push my code", "Okay, I'll remind you to push your code in {dur}.", "duration", K),
            T("Set an alarm for {time}, I've got a big strategy meeting", "Alarm set for {time}.", "clock_morning", K),
            T("Wake me at {time}, I need to finish my essay before class", "Okay, I'll wake you up at {time}.",
              "clock_morning", K),
            T("essay break, {dur} timer", "Timer set for {dur}.", "duration", K),
            T("Remind me at {time} to go over my {j_en} notes",
              "Sure, I'll remind you to go over your {j_en} notes at {time}.", "time_jargon"),
            T("I'm building a {prog}, remind me to stretch in {dur}", "Okay, I'll remind you to stretch in {dur}.",
              "dur_prog"),
            T("Remind me at {time} to watch that documentary on {topic}",
              "Sure, I'll remind you to watch the documentary on {topic} at {time}.", "time_topic"),
            T("timer {dur}", "Timer set for {dur}.", "duration"),
            T("I always lose track of time when I start reading at night and then I'm wrecked the next day, so please "
              "remind me in {dur} to put the book down", "Okay, I'll remind you to put the book down in {dur}.",
              "long_dur", L),
        ),
    },
    "lookup": {
        "zh": (
            T("帮我分析一下{city}{day}要不要带伞", "正在为你查询{city}{day}的天气预报。", "weather", K),
            T("比较一下{city}和{city2}{day}哪边更热", "正在为你查询{city}和{city2}{day}的气温。", "weather2", K),
            T("写旅行计划要用：{x}英里是多少公里", "{result}。", "conv_mi_km", K),
            T("论文里要用，{x}磅是几公斤", "{result}。", "conv_lb_kg", K),
            T("{city}{day}天气怎么样？在做出游计划", "正在为你查询{city}{day}的天气。", "weather", K),
            T("要给{wcity}的同事发{doc}，那边现在几点？", "正在为你查询{wcity}的当前时间。", "kw_world_doc", K),
            T("{city}{day}天气？", "正在为你查询{city}{day}的天气。", "weather"),
            T("周末约了朋友去郊外骑车，最怕骑到一半突然下雨，你帮我看看{city}{day}会不会下雨，要不要改时间",
              "正在为你查询{city}{day}的降雨情况。", "weather", L),
        ),
        "en": (
            T("What's the weather report for {city} {day}?", "Checking {day_poss} weather in {city} for you.",
              "weather", K),
            T("Compare the temperatures in {city} and {city2} {day}",
              "Looking up {day_poss} temperatures in {city} and {city2}.", "weather2", K),
            T("quick analysis: do I need an umbrella in {city} {day}?", "Checking the forecast for {city} {day}.",
              "weather", K),
            T("{x} kg to lbs? it's for my lab report", "{Result}.", "conv_kg_lb", K),
            T("Sending the {doc} to a colleague in {wcity}, what time is it there?",
              "Checking the current time in {wcity}.", "kw_world_doc", K),
            T("We plan to hike {day}, will it rain in {city}?", "Let me check the rain forecast for {city} {day}.",
              "weather", K),
            T("{city} weather {day}", "Checking {day_poss} weather in {city} for you.", "weather"),
            T("My brother keeps bragging that it's warmer where he lives than here, so settle it for me: what's the "
              "weather like in {city} {day}?", "Checking {day_poss} weather in {city} for you.", "weather", L),
        ),
    },
    "translation": {
        "zh": (
            T("{term_zh} 日语", "日语：{term_ja}", "term", K),
            T("“{term_zh}”法语怎么写？", "法语是 {term_fr}。", "term", K),
            T("同事在群里说“{s_zh}”，帮我翻成英文发给外国同事", "英文可以这样说：{s_en}", "kw_sentence", K),
            T("“{j_zh}”英文怎么说", "英文是 {j_en}。", "jargon"),
            T("{j_en} 中文叫什么", "中文叫“{j_zh}”。", "jargon"),
            T("{zh_bare} 英文", "英文：{en}", "phrase"),
            T("我家楼下新开了一家法国面包店，老板是法国人，中文说得不太好，我想下次去的时候跟他说一句“{zh_bare}”，"
              "法语怎么讲？", "法语可以说：{fr}", "phrase", L),
        ),
        "en": (
            T("how do i say {term_en} in chinese", "In Chinese: {term_zh}", "term", K),
            T("My Chinese teammate wrote “{s_zh}” in the group chat. What does it mean?", "It means \"{s_en}\"",
              "kw_sentence", K),
            T("French for '{term_en}', please", "In French: {term_fr}", "term", K),
            T("What's '{j_en}' in Chinese?", "In Chinese: {j_zh}", "jargon"),
            T("how do you write {j_en} in chinese characters", "In Chinese characters: {j_zh}", "jargon"),
            T("{en_bare} in french", "French: {fr}", "phrase"),
            T("There's a sweet older Japanese lady next door who always waves at me, and I'd love to surprise her by "
              "saying \"{en_bare}\" in Japanese. How do I say it?", "In Japanese: {ja}", "phrase", L),
        ),
    },
    "arithmetic": {
        "zh": (
            T("算法作业里有一步：{a}乘{b}等于多少？", "{line}。", "mul", K),
            T("比较一下{a}和{b}，差多少", "{line}，相差 {d}。", "diff", K),
            T("报告里要填：{base}的{p}%是多少", "{line}。", "percent", K),
            T("论文一共要写{a}字，已经写了{b}字，还差多少", "{line}，还差 {d} 字。", "diff", K),
            T("按计划每天背{a}个单词，{b}天一共背多少个", "一共：{line} 个。", "mul", K),
            T("代码里要用，{a}*{b}=?", "{line}。", "mul", K),
            T("{a}*{b}等于几", "{line}。", "mul"),
            T("今天去超市买了一堆东西，结账的小票被风吹走了，只记得{a}块、{b}块和{c}块三笔，加起来一共多少钱来着？",
              "{line} 元。", "sum3", L),
        ),
        "en": (
            T("This promo code takes {p}% off a ${price} order. What do I pay?",
              "Price after discount: {line} dollars.", "discount", K),
            T("I'll prove my brother wrong: what's {a} times {b}?", "{line}.", "mul", K),
            T("Algorithms homework, quick check: {a} divided by {b}?", "{line}.", "div", K),
            T("Budget plan: ${total} split {k} ways?", "Each person pays: {line} dollars.", "split", K),
            T("My essay is {a} words and the limit is {b}. How many do I cut?", "{line}, so cut {d} words.", "diff", K),
            T("{a}*{b} (for my report)", "{line}.", "mul", K),
            T("whats {a}x{b}", "{line}.", "mul"),
            T("We split the utilities evenly in our house and this month's bill came to ${total}. There are {k} of us "
              "living here now, so what does each person owe?", "Each person pays: {line} dollars.", "split", L),
        ),
    },
    "chitchat": {
        "zh": (
            T("{news}{tail}", "{news_reply}", "kw_news", K),
            T("跟你说，{news}", "{news_reply}", "kw_news", K),
            T("你今天有什么计划{qtail}", "我的计划就是随时待命帮你！有什么需要尽管说。", "can_do_tail", K),
            T("今天学了{j_zh}，脑子要炸了{tail}", "学新东西一开始都难，歇一会儿再看，慢慢就通了！", "jargon_tail"),
            T("在吗{qtail}", "在的，有什么可以帮你？", "can_do_tail"),
            T("今天下班路上有只小猫跟了我好久，最后被一个小姑娘抱回家了，心里暖暖的，跟你分享一下{tail}",
              "好温暖的一幕！谢谢你跟我分享，今天一定是美好的一天。", "tail", L),
        ),
        "en": (
            T("{news}{tail}", "{news_reply}", "kw_news", K),
            T("update: {news}", "{news_reply}", "kw_news", K),
            T("What's your plan for today{ntail}", "My plan is to be here whenever you need me!", "name_tail", K),
            T("Spent all day on {j_en} homework and my brain hurts{tail}",
              "That's a lot to take in! Take a break — it usually clicks after some rest.", "jargon_tail"),
            T("u there{ntail}", "I'm here! What's up?", "name_tail"),
            T("I finally called my grandma today after putting it off for weeks, and we ended up talking for two whole "
              "hours about her garden and the old days{tail}",
              "That sounds lovely! Those calls mean so much — I'm glad you made time for it.", "tail", L),
        ),
    },
    "proof_derivation": {
        "zh": (
            T("证明{claim}", None, "claim", S),
            T("求证：{fact}", None, "fact", S),
            T("怎么证明{claim}？", None, "claim", S),
            T("帮我证一下{claim}", None, "claim", S),
            T("推导{deriv}", None, "deriv", S),
            T("推导一下{deriv}，谢谢", None, "deriv", S),
            T("{deriv}是怎么推出来的？", None, "deriv", S),
            T("为什么{fact}？", None, "fact", S),
            T("{deriv}咋推的", None, "deriv", S),
            T("推倒一下{deriv}", None, "deriv", S),
            T("{fact}，严格证明一下", None, "fact", S),
            T("给个{theorem}的证明", None, "theorem", S),
        ),
        "en": (
            T("Prove {claim}.", None, "claim", S),
            T("Can you prove {claim}?", None, "claim", S),
            T("Derive {deriv}.", None, "deriv", S),
            T("derive {deriv} step by step", None, "deriv", S),
            T("How do we know {fact}?", None, "fact", S),
            T("Show that {fact}.", None, "fact", S),
            T("why is it true that {fact}?", None, "fact", S),
            T("Where does {deriv} come from?", None, "deriv", S),
            T("{Theorem}: why does it hold?", None, "theorem", S),
            T("proove that {fact}", None, "fact", S),
            T("Proof of {theorem}, please.", None, "theorem", S),
            T("how do you get {deriv}?", None, "deriv", S),
        ),
    },
    "long_analysis": {
        "zh": (
            T("分析一下{topic}", None, "topic", S),
            T("写篇关于{topic}的文章", None, "topic", S),
            T("讲讲{topic}，越深入越好", None, "topic", S),
            T("评价一下{topic}", None, "topic", S),
            T("深度解读一下{topic}", None, "topic", S),
            T("写个关于{topic}的分析报告", None, "topic", S),
            T("{topic}，从几个角度展开说说", None, "topic", S),
            T("{topic}背后的逻辑是什么？", None, "topic", S),
            T("写篇{topic}的评论，两千字", None, "topic", S),
        ),
        "en": (
            T("Analyze {topic}.", None, "topic", S),
            T("Write an essay on {topic}.", None, "topic", S),
            T("Break down {topic} for me.", None, "topic", S),
            T("What's really behind {topic}?", None, "topic", S),
            T("Give me a deep dive on {topic}.", None, "topic", S),
            T("Write a report on {topic}", None, "topic", S),
            T("{Topic}: causes, effects, what comes next?", None, "topic", S),
            T("long read on {topic} pls", None, "topic", S),
            T("How should I think about {topic}? Go deep.", None, "topic", S),
        ),
    },
    "planning": {
        "zh": (
            T("规划一下{place}{n}日游，{cons}", None, "trip", S),
            T("{place}玩{n}天怎么安排？{cons}", None, "trip", S),
            T("帮我排个{place}{n}天的行程，{cons}", None, "trip", S),
            T("{n}天{place}，{cons}，怎么玩", None, "trip", S),
            T("做个{goal}的计划", None, "goal", S),
            T("{goal}，每周该怎么安排？", None, "goal", S),
            T("想{goal}，帮我排个时间表", None, "goal", S),
            T("{goal}，给我个能执行的方案", None, "goal", S),
        ),
        "en": (
            T("Plan a {n}-day trip to {place} for {who}.", None, "trip", S),
            T("{n} days in {place} with {with_}: how should we spend them?", None, "trip", S),
            T("{n}-day {place} itinerary for {who}?", None, "trip", S),
            T("{n} days, {place}, {with_}. where do we go each day?", None, "trip", S),
            T("Make me a plan to {goal}.", None, "goal", S),
            T("How do I {goal}? Week by week please.", None, "goal", S),
            T("I want to {goal}. Lay out a schedule.", None, "goal", S),
            T("best way to {goal}? need a realistic schedule", None, "goal", S),
        ),
    },
    "coding": {
        "zh": (
            T("用{lang}写个{prog}", None, "prog_lang", S),
            T("写个{prog}", None, "prog", S),
            T("{lang}实现{algo}", None, "algo_lang", S),
            T("手写一个{algo}", None, "algo", S),
            T("给我一份{lang}版{algo}的代码", None, "algo_lang", S),
            T("写个{ptask}的程序", None, "prog_task", S),
            T("{lang}写个{prog}，要能直接跑", None, "prog_lang", S),
            T("来个{lang}的{algo}", None, "algo_lang", S),
            T("用{lang}写个脚本{ptask}", None, "prog_task", S),
        ),
        "en": (
            T("Write a {lang} program that {does}.", None, "prog_task", S),
            T("Implement {algo} in {lang}.", None, "algo_lang", S),
            T("{Algo} in {lang}?", None, "algo_lang", S),
            T("Code a {prog} in {lang}.", None, "prog_lang", S),
            T("write me a {prog}", None, "prog", S),
            T("build a {prog} with {lang}", None, "prog_lang", S),
            T("{lang} script that {does}, please", None, "prog_task", S),
            T("wirte a {prog} in {lang} pls", None, "prog_lang", S),
            T("need {algo} in {lang}, with tests", None, "algo_lang", S),
        ),
    },
}
for _category, _by_lang in MORE_TEMPLATES.items():
    for _lang, _extra in _by_lang.items():
        TEMPLATES[_category][_lang] += _extra
del K, L, P, S, _category, _by_lang, _lang, _extra

# ---------------------------------------------------------------------------------------------
# Conversation history: earlier turns put before the final request of a share of the records
# (CONVERSATION_SHARE). These phrasings are used only as history, never as a final request, and a
# history request never repeats any final request (the same `seen` set), so no test request is
# trained as history. "simple" turns carry a correct edge reply, "complex" turns the forward reply.
FWD = FORWARD_REPLY
HISTORY_TEMPLATES: dict[str, dict[str, tuple[Template, ...]]] = {
    "simple": {
        "zh": (
            T("把{room}的灯打开一下", "好的，{room}的灯已打开。", "room"),
            T("帮我定个{time}的闹钟吧", "好的，已为你设置{time}的闹钟。", "time"),
            T("{city}{day}会下雨吗？", "正在为你查询{city}{day}的降雨情况。", "weather"),
            T("{a}乘{b}是多少来着", "{line}。", "mul"),
            T("“{zh_bare}”英语怎么讲来着", "英语可以说：{en}", "phrase"),
            T("{greet}，在吗？", "{greet_reply}", "greet"),
            T("{room}空调开到{temp}度吧", "好的，已为你把{room}空调调到 {temp} 度。", "ac_temp"),
            T("来个{dur}的计时", "好的，{dur}计时开始。", "duration"),
            T("{x}公里大概多少英里", "{result}。", "conv_km_mi"),
            T("{dur}后提醒我{task}哈", "好的，{dur}后提醒你{task_r}。", "duration_task"),
        ),
        "en": (
            T("can you get the {room} lights on?", "Okay, the {room} lights are on.", "room"),
            T("set an alarm for {time} real quick", "Alarm set for {time}.", "time"),
            T("is it gonna rain in {city} {day}?", "Let me check the rain forecast for {city} {day}.", "weather"),
            T("what was {a} times {b} again?", "{line}.", "mul"),
            T("how do you say \"{en_bare}\" in French again?", "In French: {fr}", "phrase"),
            T("{greet}, you there?", "{greet_reply}", "greet"),
            T("start {a_dur_adj} timer real quick", "Starting {a_dur_adj} timer now.", "duration"),
            T("{x} km in miles?", "{Result}.", "conv_km_mi"),
            T("remind me to {task} in {dur}, ok?", "Okay, I'll remind you to {task_r} in {dur}.", "duration_task"),
            T("set the {room} AC to {temp} please", "Done. The {room} AC is set to {temp}°F.", "ac_temp"),
        ),
    },
    "complex": {
        "zh": (
            T("{claim}怎么证明来着？", FWD, "claim"),
            T("顺便帮我推一下{deriv}", FWD, "deriv"),
            T("想请你分析下{topic}", FWD, "topic"),
            T("帮我安排下{place}{n}天怎么玩，{cons}", FWD, "trip"),
            T("用{lang}帮我写个{prog}吧", FWD, "prog_lang"),
            T("问个难的：{task}", FWD, "proof"),
            T("帮我{task}", FWD, "code"),
            T("问你个事，{q}", FWD, "plain_issue"),
        ),
        "en": (
            T("how do you prove {claim} again?", FWD, "claim"),
            T("also, can you derive {deriv} for me?", FWD, "deriv"),
            T("I'd like a proper analysis of {topic}", FWD, "topic"),
            T("help me plan {n} days in {place} for {who}", FWD, "trip"),
            T("can you whip up a {prog} in {lang}?", FWD, "prog_lang"),
            T("ok, a hard one: {task}", FWD, "proof"),
            T("could you {task}?", FWD, "code"),
            T("Question for you. {q}", FWD, "plain_issue"),
        ),
    },
}
del FWD

# ---------------------------------------------------------------------------------------------
# Generation


def dedup_key(text: str) -> str:
    """Key under which two queries count as duplicates.

    Case-folded with all whitespace and punctuation removed. This is deliberately coarser than
    the converter's duplicate check (case, runs of whitespace, trailing punctuation), so nothing
    generated here is rejected downstream as a duplicate, and "早安" / "早安！" are not two records.
    """
    return "".join(ch for ch in text.casefold() if not (ch.isspace() or unicodedata.category(ch).startswith("P")))


def category_quotas(n: int, cloud_share: float) -> dict[str, int]:
    """Records per category: round(n * cloud_share) cloud records split evenly over the complex
    categories, the rest evenly over the edge categories; remainders go to the first ones."""
    n_cloud = round(n * cloud_share)
    quotas: dict[str, int] = {}
    for cats, total in ((EDGE_CATEGORIES, n - n_cloud), (CLOUD_CATEGORIES, n_cloud)):
        base, rest = divmod(total, len(cats))
        for i, cat in enumerate(cats):
            quotas[cat] = base + (1 if i < rest else 0)
    return quotas


def language_quotas(category: str, quota: int) -> dict[str, int]:
    """Split a category's quota ~50/50 over zh/en; the odd record alternates between languages
    from one category to the next so the totals stay balanced."""
    first = "zh" if CATEGORIES.index(category) % 2 == 0 else "en"
    half, odd = divmod(quota, 2)
    return {lang: half + (odd if lang == first else 0) for lang in LANGS}


def _draw_group_size(rng: random.Random) -> int:
    sizes = [s for s, _ in GROUP_SIZE_WEIGHTS]
    weights = [w for _, w in GROUP_SIZE_WEIGHTS]
    return rng.choices(sizes, weights=weights)[0]


def _with_capitals(slots: Slots) -> Slots:
    """Add 'Foo' for every slot 'foo', with the value's first letter upper-cased."""
    out = dict(slots)
    for key, value in slots.items():
        out[key[:1].upper() + key[1:]] = value[:1].upper() + value[1:]
    return out


def _fill_template(rng: random.Random, category: str, lang: str, index: int, want: int,
                   seen: set[str]) -> list[dict]:
    """Draw up to `want` records from one template whose queries are not in `seen` (updated).

    Fewer records than `want` means the template ran out of unused fills.
    """
    template = TEMPLATES[category][lang][index]
    sampler = SAMPLERS[template.sampler]
    group = f"{category}/{lang}/t{index + 1:02d}"
    made: list[dict] = []
    for _ in range(want):
        for _attempt in range(MAX_DRAWS_PER_RECORD):
            slots = _with_capitals(sampler(rng, lang))
            query = template.query.format(**slots)
            key = dedup_key(query)
            if key not in seen:
                break
        else:
            return made  # exhausted
        if not MIN_QUERY_CHARS <= len(query) <= MAX_QUERY_CHARS:
            raise RuntimeError(f"template {group} made a query of {len(query)} characters: {query!r}")
        seen.add(key)
        response = None if template.response is None else template.response.format(**slots)
        made.append({"lang": lang, "category": category, "needs_cloud": category in CLOUD_CATEGORIES,
                     "group": group, "query": query, "response": response})
    return made


def cue_quotas(category: str, quota: int) -> dict[str, int]:
    """Records of one (category, language) stratum per cue: round(quota * share) for each
    misleading cue of the category's kind (EDGE_CUE_SHARES / CLOUD_CUE_SHARES), the rest TYPICAL."""
    shares = CLOUD_CUE_SHARES if category in CLOUD_CATEGORIES else EDGE_CUE_SHARES
    quotas = {cue: round(quota * share) for cue, share in shares.items()}
    return {TYPICAL: quota - sum(quotas.values()), **quotas}


def _build_stratum(rng: random.Random, category: str, lang: str, quota: int, seen: set[str]) -> list[dict]:
    """Records of one (category, language): each cue's quota (cue_quotas) from that cue's templates."""
    templates = TEMPLATES[category][lang]
    out: list[dict] = []
    for cue, cue_quota in cue_quotas(category, quota).items():
        if cue_quota:
            indices = [i for i, t in enumerate(templates) if t.cue == cue]
            if not indices:
                raise RuntimeError(f"no {cue} templates for {category}/{lang}")
            out.extend(_build_pool(rng, category, lang, indices, cue_quota, seen))
    return out


def _build_pool(rng: random.Random, category: str, lang: str, indices: list[int], quota: int,
                seen: set[str]) -> list[dict]:
    """`quota` records from the templates `indices` of one (category, language): visit them in a
    seeded order, drawing a small group (1-6, mostly 2-4) from each, pass after pass.

    Groups never grow beyond 6 while any template can still take records under that cap; only
    when every template is full (6) or out of fills does the cap rise by 6 (large n). Extra
    records then join the template's existing group, because a phrasing must never straddle
    the train/test split.
    """
    order = list(indices)
    rng.shuffle(order)
    sizes = dict.fromkeys(order, 0)
    exhausted = dict.fromkeys(order, False)
    out: list[dict] = []
    cap = MAX_GROUP_SIZE
    while len(out) < quota:
        progressed = False
        for idx in order:
            room = min(quota - len(out), cap - sizes[idx])
            if room <= 0 or exhausted[idx]:
                continue
            want = min(_draw_group_size(rng), room)
            made = _fill_template(rng, category, lang, idx, want, seen)
            exhausted[idx] = len(made) < want
            sizes[idx] += len(made)
            out.extend(made)
            progressed = progressed or bool(made)
            if len(out) >= quota:
                break
        if not progressed:  # every template is exhausted or at the cap
            if all(exhausted.values()):
                cue = TEMPLATES[category][lang][order[0]].cue
                raise ValueError(
                    f"cannot make {quota} distinct {lang} records for category {category!r} from its "
                    f"{len(order)} {cue} templates: they ran out of unused slot fills after {len(out)}; lower --n")
            cap += MAX_GROUP_SIZE
    return out


def _history_pair(rng: random.Random, kind: str, lang: str, seen: set[str], used: set[Template]) -> list[dict]:
    """One earlier exchange (user, assistant) of `kind` ("simple" / "complex") in `lang`, whose
    request is in no other record (`seen`, updated), from a template not in `used` (updated)."""
    templates = [t for t in HISTORY_TEMPLATES[kind][lang] if t not in used]
    for _attempt in range(MAX_DRAWS_PER_RECORD):
        template = rng.choice(templates)
        slots = _with_capitals(SAMPLERS[template.sampler](rng, lang))
        query = template.query.format(**slots)
        key = dedup_key(query)
        if key not in seen:
            break
    else:
        raise ValueError(f"ran out of distinct {kind} {lang} history turns; lower --n or --conversation-share")
    if not MIN_QUERY_CHARS <= len(query) <= MAX_QUERY_CHARS:
        raise RuntimeError(f"a {kind} {lang} history template made a request of {len(query)} characters: {query!r}")
    seen.add(key)
    used.add(template)
    return [{"role": "user", "content": query}, {"role": "assistant", "content": template.response.format(**slots)}]


def _with_history(rng: random.Random, rec: dict, seen: set[str]) -> dict:
    """`rec` as a conversation: 1-2 earlier exchanges, then its request as the final user turn.

    The exchange just before the final request is complex (answered with the forward reply) with
    probability HISTORY_LAST_COMPLEX[final needs_cloud], so a simple request often follows a
    forwarded one and a complex request usually follows a simple one; an earlier second exchange
    (HISTORY_TWO_PAIRS) is either kind. Each exchange is in the other language with probability
    HISTORY_OTHER_LANG. Label, category, group and reply stay those of the final request.
    """
    kinds = ["complex" if rng.random() < HISTORY_LAST_COMPLEX[rec["needs_cloud"]] else "simple"]
    if rng.random() < HISTORY_TWO_PAIRS:
        kinds.insert(0, rng.choice(("simple", "complex")))
    messages: list[dict] = []
    used: set[Template] = set()  # two earlier exchanges never share a phrasing
    for kind in kinds:
        lang = rec["lang"]
        if rng.random() < HISTORY_OTHER_LANG:
            lang = "en" if lang == "zh" else "zh"
        messages.extend(_history_pair(rng, kind, lang, seen, used))
    messages.append({"role": "user", "content": rec["query"]})
    return {"lang": rec["lang"], "category": rec["category"], "needs_cloud": rec["needs_cloud"],
            "group": rec["group"], "messages": messages, "response": rec["response"]}


def final_query(record: dict) -> str:
    """The request a record is labelled for: `query`, or a conversation's last user turn."""
    return record["messages"][-1]["content"] if "messages" in record else record["query"]


def history_of(record: dict) -> list[dict]:
    """A conversation record's earlier turns (user, assistant, ...); [] for a single request."""
    return record["messages"][:-1] if "messages" in record else []


def generate_records(n: int, seed: int, cloud_share: float = 0.2,
                     conversation_share: float = CONVERSATION_SHARE) -> list[dict]:
    """Generate `n` records, deterministically from `seed`.

    Returns dicts with keys in FIELDS order (single requests) or CONVERSATION_FIELDS order
    (round(stratum quota * conversation_share) records of every (category, language) stratum get
    earlier turns, see _with_history), ids edge-0001... in (shuffled) file order.
    Raises ValueError for a bad n / share or when n cannot be met without duplicates.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if n > 9999:
        raise ValueError(f"n={n} exceeds the 4-digit id space (edge-0001..edge-9999)")
    if not 0.0 <= cloud_share <= 1.0:
        raise ValueError(f"cloud_share must be within [0, 1], got {cloud_share!r}")
    if not 0.0 <= conversation_share <= 1.0:
        raise ValueError(f"conversation_share must be within [0, 1], got {conversation_share!r}")
    rng = random.Random(seed)
    seen: set[str] = set()
    strata: list[list[dict]] = []
    for category, quota in category_quotas(n, cloud_share).items():
        for lang, lang_quota in language_quotas(category, quota).items():
            if lang_quota:
                strata.append(_build_stratum(rng, category, lang, lang_quota, seen))
    # Histories are drawn after every final request exists, so none repeats a final request.
    records: list[dict] = []
    for stratum in strata:
        for i in sorted(rng.sample(range(len(stratum)), round(len(stratum) * conversation_share))):
            stratum[i] = _with_history(rng, stratum[i], seen)
        records.extend(stratum)
    rng.shuffle(records)
    out = []
    for i, rec in enumerate(records, 1):
        fields = CONVERSATION_FIELDS if "messages" in rec else FIELDS
        out.append({"id": f"edge-{i:04d}", **{k: rec[k] for k in fields[1:]}})
    return out


def file_rows(records: list[dict]) -> list[dict]:
    """The records as the raw file holds them: keys in FIELDS order, or CONVERSATION_FIELDS order for a
    conversation record (write with `reports.write_jsonl(..., compact=True)`: one compact object per line,
    byte-reproducible)."""
    return [{k: rec[k] for k in (CONVERSATION_FIELDS if "messages" in rec else FIELDS)} for rec in records]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m edgecloud.data.datagen",
        description="Generate the seeded raw dataset of requests to an on-device assistant (JSONL).")
    parser.add_argument("--n", type=int, default=500, help="number of records (default 500)")
    parser.add_argument("--seed", type=int, default=20260210, help="random seed (default 20260210)")
    parser.add_argument("--cloud-share", type=float, default=0.2,
                        help="share of complex records that need the cloud (default 0.2)")
    parser.add_argument("--conversation-share", type=float, default=CONVERSATION_SHARE,
                        help=f"share of records with earlier turns (default {CONVERSATION_SHARE})")
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl path")
    args = parser.parse_args(argv)
    try:
        records = generate_records(args.n, args.seed, args.cloud_share, args.conversation_share)
    except ValueError as exc:
        parser.error(str(exc))
    write_jsonl(args.out, file_rows(records), compact=True)
    n_cloud = sum(r["needs_cloud"] for r in records)
    n_groups = len({r["group"] for r in records})
    n_conv = sum("messages" in r for r in records)
    print(f"wrote {len(records)} records ({n_cloud} needs_cloud, {n_conv} conversations, {n_groups} groups) "
          f"to {args.out}")


if __name__ == "__main__":
    main()
