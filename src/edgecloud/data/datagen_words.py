"""Word tables of the raw-data generator (`edgecloud.data.datagen`): what its slots are filled with.

Data only: tuples and dicts of rooms, times, durations, cities, phrases with their translations, jokes,
tasks, claims, derivations, programs, topics, places and the confounder words (complex-task words in
simple roles), in Simplified Chinese and English, and the exact unit conversions (``fractions``).
The samplers (`datagen_slots`, `datagen_samplers`) draw from them; the phrasings are in
`datagen_templates`. Tables are tuples iterated in a fixed order, so a seed draws the same values in
every process. Changing a table changes the generated records: regenerate the shipped file as the
engine's docstring says (tests/test_datagen.py compares it byte for byte).
"""
from __future__ import annotations

from fractions import Fraction
from typing import Callable

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


EN_CLAIMS = tuple(f"that {fact}" for fact in EN_FACTS) + EN_THEOREMS  # "Prove {claim}."
