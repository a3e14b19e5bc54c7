"""Template tables of the raw-data generator (`edgecloud.data.datagen`): every phrasing of every intent.

Data only: ``TEMPLATES`` (category -> language -> phrasings; a phrasing's position is its paraphrase
group, t01, t02, ...), the confounder and SHORT phrasings appended to it, and ``HISTORY_TEMPLATES`` (the
earlier turns of conversations), with the row type ``Template`` and the cue names a row carries (the
engine's docstring says what each cue means). A template names its sampler (`datagen_samplers.SAMPLERS`)
and formats its query and reply from the slots that sampler draws. Append new templates at the end of a
tuple so the group ids of the shipped data stay put.
"""
from __future__ import annotations

from dataclasses import dataclass

# The reply of a forwarded turn in a conversation's history (= edgecloud.params.DEFAULT_FORWARD_REPLY;
# the converter replaces it by data.forward_reply).
FORWARD_REPLY = "转发云端 (forward to cloud)"

# Surface cues of a template (see the module docstring). TYPICAL: the cues agree with the label.
# KEYWORD (edge): a simple request that mentions a complex-task word. LONG (edge): a simple request
# in chatty context, longer than 40 characters (zh) / 120 (en), without such words. PLAIN (complex): a complex
# request phrased without any such word. SHORT (complex): a complex request no longer than
# those lengths, usually far shorter ("证明√2是无理数", "Derive the quadratic formula.").
TYPICAL, KEYWORD, LONG, PLAIN, SHORT = "typical", "keyword", "long", "plain", "short"


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

