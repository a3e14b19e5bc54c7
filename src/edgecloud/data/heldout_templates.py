"""Template tables of the held-out routing set (`edgecloud.data.heldout`): every phrasing, written apart
from the training generator's (`edgecloud.data.datagen`).

Data only: ``TEMPLATES`` (category -> language -> phrasings; a phrasing's position is its group, t01,
t02, ...), the earlier turns of multi-turn records (threads: a complex request, the cloud's shortened
answer, a follow-up that needs it) and the slot tables the phrasings draw from, with the row type
``Template``, its short constructors (``T`` typical, ``K`` keyword, ``L`` long, ``S`` short, ``P`` plain,
``H`` history) and the cue names (the engine's docstring says what each cue means). Append new templates at
the end of a tuple so the group ids of the shipped file stay put; a changed table changes the generated
set, which tests/test_heldout.py compares with data/heldout/routing_heldout_v1.jsonl byte for byte.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

CUES = ("typical", "keyword", "long", "short", "plain", "history")
TYPICAL, KEYWORD, LONG, SHORT, PLAIN, HISTORY = CUES

# ---------------------------------------------------------------------------------------------
# Templates

Spec = tuple[str, Sequence[Any]]  # ("slot" or "slot_a slot_b", rows)


@dataclass(frozen=True)
class Template:
    """One phrasing in one language. ``query`` and the ``history`` turns are str.format patterns
    over slots drawn from ``specs``: each spec is (names, rows); a row is one value or a tuple with
    one value per name. Slot ``foo`` is also available as ``Foo`` (first letter upper-cased)."""

    query: str
    specs: tuple[Spec, ...]
    cue: str
    history: tuple[tuple[str, str], ...] = ()


def T(query: str, *specs: Spec, cue: str = TYPICAL, history: tuple[tuple[str, str], ...] = ()) -> Template:
    if history and cue != HISTORY:
        cue = HISTORY
    return Template(query, tuple(specs), cue, tuple(history))


def K(query: str, *specs: Spec) -> Template:
    return T(query, *specs, cue=KEYWORD)


def L(query: str, *specs: Spec) -> Template:
    return T(query, *specs, cue=LONG)


def S(query: str, *specs: Spec) -> Template:
    return T(query, *specs, cue=SHORT)


def P(query: str, *specs: Spec) -> Template:
    return T(query, *specs, cue=PLAIN)


def H(query: str, history: tuple[tuple[str, str], ...], *specs: Spec) -> Template:
    return T(query, *specs, cue=HISTORY, history=history)


def _nums(*values: int | str) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


# ---------------------------------------------------------------------------------------------
# Earlier turns for multi-turn records.
# Threads: (complex request, the cloud's shortened answer, a complex follow-up that needs it).

ZH_PROOF_THREADS = (
    ("推导一下斯特林公式",
     "对 ln n! = Σ ln k 用积分近似，得到 ln n! ≈ n ln n − n + ½ln(2πn)，常数 √(2π) 可以由沃利斯乘积确定，所以 n! ≈ √(2πn)(n/e)ⁿ。",
     "能把下一项修正 1/(12n) 也推出来吗？再说明一下误差为什么越来越小"),
    ("证明一下詹森不等式",
     "先对两个点用凸函数的定义，再对点数做归纳：把 n+1 个点的加权平均拆成前 n 个点的加权平均和最后一个点，两次用凸性就得到 f(Σλᵢxᵢ) ≤ Σλᵢf(xᵢ)。",
     "积分形式的詹森不等式也一起证一下，测度论的细节别跳"),
    ("为什么π是无理数？",
     "经典的是 Niven 的证明：假设 π = a/b，构造多项式 f，使积分 ∫₀^π f(x)sin x dx 既是正整数又小于 1，矛盾。",
     "那个积分为什么一定是整数？把这一步展开证明一下"),
)
EN_PROOF_THREADS = (
    ("Derive Stirling's formula",
     "Approximate ln n! = Σ ln k by an integral to get ln n! ≈ n ln n − n + ½ ln(2πn); the constant √(2π) comes from "
     "the Wallis product, so n! ≈ √(2πn)(n/e)^n.",
     "Can you derive the next correction term, 1/(12n), and show why the error keeps shrinking?"),
    ("Prove Jensen's inequality",
     "Start from the definition of convexity for two points, then induct on the number of points: split the weighted "
     "mean of n+1 points into the mean of the first n and the last point and apply convexity twice.",
     "Now do the integral version for a probability measure, without skipping the measure-theory details."),
    ("Why is pi irrational?",
     "Niven's argument assumes π = a/b and builds a polynomial f so that ∫₀^π f(x) sin x dx is a positive integer "
     "yet smaller than 1, a contradiction.",
     "Why is that integral an integer? Please prove that step carefully."),
)
ZH_ANALYSIS_THREADS = (
    ("为什么柯达发明了数码相机，最后却被数码相机打垮了？",
     "柯达的利润几乎全来自胶卷和冲印，数码化会直接吃掉这块现金牛；管理层把数码当成胶卷的补充而不是替代，转型一拖再拖，等手机拍照普及时已经来不及了。",
     "如果当年柯达把数码业务拆成独立公司，结局会不会不一样？展开推演一下"),
    ("分析一下蜜雪冰城为啥能开这么多店",
     "核心是供应链：自建工厂和物流把原料成本压得很低，再靠加盟快速铺店，低价带来客流，利润主要来自向加盟商卖原料和设备。",
     "如果原材料价格上涨三成，这套模式还撑得住吗？加盟商和总部谁先扛不住，推演一下"),
    ("为什么演唱会门票的黄牛这么难管？",
     "热门场次供给极少而需求巨大，票面价远低于市场出清价，差价就是黄牛的利润；加上抢票软件、内部渠道和跨平台转卖，单靠封号很难根治。",
     "如果全面推行实名制而且门票不可转让，会带来哪些新问题？对歌迷和主办方各有什么影响，展开讲讲"),
)
EN_ANALYSIS_THREADS = (
    ("Why did Kodak miss digital photography when it invented the digital camera?",
     "Almost all of Kodak's profit came from film and processing, which digital would cannibalize; management treated "
     "digital as an add-on to film rather than its replacement, and by the time phones took over it was too late.",
     "Would spinning off the digital business as a separate company in the 1990s have saved it? Argue it through."),
    ("Why did Nokia lose the smartphone war?",
     "It stayed with Symbian too long, underestimated the touchscreen app ecosystem, and its internal structure slowed "
     "software decisions; by the time it chose Windows Phone, iOS and Android had the developers.",
     "What if Nokia had gone with Android in 2010? Argue through how the market might have played out."),
    ("Why is ticket scalping so hard to stop?",
     "Popular shows are priced far below what the market would bear, so the gap is the scalper's profit; bots, insider "
     "allocations and resale across platforms make account bans a game of whack-a-mole.",
     "What would happen if every ticket were name-bound and non-transferable? Walk through the knock-on effects for "
     "fans, artists and promoters."),
)
ZH_PLAN_THREADS = (
    ("帮我规划三天的泉州行程，老人腿脚不便",
     "第一天西街和开元寺，第二天蟳埔村和海边，第三天坐车到清源山老君岩。每天步行控制在五千步以内，午后回酒店休息。",
     "预算砍到一半，还要加一个两岁的孩子，整个方案怎么调？每天重新排一下"),
    ("装修九十平的老房子，三个月能搞定吗，怎么安排",
     "可以：第一个月拆改水电和做防水，第二个月泥瓦和木工，第三个月刷漆、安装和保洁，定制柜要在第一个月就下单。",
     "我们装修期间还得住在里面，分区施工的话顺序怎么改？把每周的安排列出来"),
    ("滇藏线自驾两周怎么走",
     "大理出发，经丽江、香格里拉、德钦、盐井、芒康进藏，再走然乌湖、波密、林芝到拉萨，每天车程五到六小时，中间留两天休整适应海拔。",
     "车上有个一岁的宝宝，每天车程得压到三小时以内，海拔也要慢慢升，路线和住宿怎么改？重新排一遍"),
)
EN_PLAN_THREADS = (
    ("Plan three days in Valencia for us",
     "Day 1: the old town, the cathedral and the Central Market; Day 2: the City of Arts and Sciences and the Turia "
     "gardens; Day 3: the beach at Malvarrosa and paella in El Cabanyal.",
     "My dad can't manage stairs and tires after a couple of miles. Rework all three days around that, with transport "
     "for each leg."),
    ("Help me get ready for a 5 km open-water swim in 12 weeks",
     "Swim four times a week: one long steady swim growing by about 10% a week, one interval set, one technique "
     "session and one open-water practice, with an easier week every fourth week and a taper in week 12.",
     "I can only get to a pool twice a week and a lake on Sundays. Redo the twelve weeks around that and tell me what "
     "to drop."),
    ("How should we organize a 40-person family reunion?",
     "Pick a venue with lodging on site, split it into a welcome dinner, a full activity day and a farewell brunch, "
     "and give one relative each task.",
     "The budget is $10k and a third of the family is over 75 or under 5. Turn that into a concrete three-day "
     "schedule with costs."),
)
ZH_CODE_THREADS = (
    ("用 Python 写一个 LZ77 压缩",
     "思路：用滑动窗口在已输出的数据里找最长匹配，输出 (偏移, 长度, 下一个字符) 三元组；解压时按三元组回填。代码里有 compress 和 decompress，并附了往返测试。",
     "改成能流式处理几个 G 的大文件，窗口查找换成哈希链加速，代码给全"),
    ("用 Rust 写一个 rope 数据结构",
     "rope 是一棵平衡二叉树，叶子存短字符串，内部节点记录左子树长度；插入和删除都拆成 split 和 concat，复杂度 O(log n)。",
     "现在要支持多人同时编辑，改成不可变的持久化版本让多个线程共享，把完整代码写出来"),
    ("我的 Go 服务 goroutine 一直在涨，怎么查",
     "先用 pprof 的 goroutine profile 看堆栈分布，找数量最多的阻塞点；常见原因是 channel 没人接收、网络调用没设超时、context 忘了 cancel。",
     "查到是 channel 没人接收导致的，帮我写一个带超时和取消的 worker pool 替换掉，给出完整代码和测试"),
)
EN_CODE_THREADS = (
    ("Write an LZ77 compressor in Python",
     "Slide a window over the output, find the longest earlier match, and emit (offset, length, next byte) triples; "
     "decompression copies the matches back. The code has compress() and decompress() plus a round-trip test.",
     "Now make it stream multi-gigabyte files and speed up the match search with hash chains. Full code please."),
    ("write a rope in rust",
     "A rope is a balanced binary tree with short strings in the leaves and the left subtree's length in each inner "
     "node; insert and delete become split and concat, both O(log n).",
     "Make it a persistent, immutable version that several threads can share while editing, and show the full "
     "implementation."),
    ("My Go service keeps leaking goroutines, how do I find it?",
     "Grab a goroutine profile with pprof and look for the stack holding the most goroutines; the usual suspects "
     "are channels nobody reads, network calls without timeouts and contexts that are never cancelled.",
     "It's an unread channel. Write me a worker pool with timeouts and cancellation to replace it, with tests."),
)
ZH_THREADS = ZH_PROOF_THREADS + ZH_ANALYSIS_THREADS + ZH_PLAN_THREADS + ZH_CODE_THREADS
EN_THREADS = EN_PROOF_THREADS + EN_ANALYSIS_THREADS + EN_PLAN_THREADS + EN_CODE_THREADS
# Complex earlier turns (request, cloud answer) before a simple request.
ZH_PRIOR_COMPLEX = tuple((u, a) for u, a, _ in ZH_THREADS)
EN_PRIOR_COMPLEX = tuple((u, a) for u, a, _ in EN_THREADS)
# Simple earlier turns (request, edge answer).
ZH_PRIOR_SIMPLE = (
    ("今天农历几号", "正在为你查询今天的农历日期。"), ("开始秒表计时", "秒表已开始。"),
    ("阳台晾衣架降下来", "好的，晾衣架正在下降。"), ("给我出个谜语", "什么东西越洗越脏？猜猜看～"),
    ("2的10次方是多少", "2 的 10 次方 = 1024。"), ("手机调成震动", "好的，手机已切换为震动模式。"),
)
EN_PRIOR_SIMPLE = (
    ("What day of the week is Christmas this year?", "Checking this year's calendar for Christmas."),
    ("start a stopwatch", "Stopwatch started."), ("Tell me a fun fact", "Octopuses have three hearts and blue blood."),
    ("Put my phone on vibrate", "Your phone is on vibrate."), ("What's 12 cubed?", "12³ = 1728."),
    ("Run the dishwasher on the eco cycle", "The dishwasher is running the eco cycle."),
)
ZC = ("cu ca", ZH_PRIOR_COMPLEX)
EC = ("cu ca", EN_PRIOR_COMPLEX)
ZS = ("pu pa", ZH_PRIOR_SIMPLE)
ES = ("pu pa", EN_PRIOR_SIMPLE)
ONE_COMPLEX = (("{cu}", "{ca}"),)
SIMPLE_THEN_COMPLEX = (("{pu}", "{pa}"), ("{cu}", "{ca}"))
ONE_SIMPLE = (("{pu}", "{pa}"),)
ONE_THREAD = (("{tu}", "{ta}"),)
SIMPLE_THEN_THREAD = (("{pu}", "{pa}"), ("{tu}", "{ta}"))

# ---------------------------------------------------------------------------------------------
# Slot tables shared by several templates

ZH_NEW_CITIES = ("洛阳", "泉州", "桂林", "贵阳", "乌鲁木齐", "珠海", "烟台", "呼和浩特", "景德镇", "大理")
EN_NEW_CITIES = ("Reykjavik", "Lisbon", "Cape Town", "Phoenix", "Nashville", "Halifax", "Kyoto", "Anchorage",
                 "Marrakesh")
ZH_FESTIVALS = ("端午节", "中秋节", "冬至", "元宵节", "七夕", "重阳节")
EN_HOLIDAYS = ("Thanksgiving", "Easter", "Lunar New Year", "Diwali", "Mother's Day", "Labor Day")
ZH_SCENES = ("回家模式", "离家模式", "睡眠场景", "起床场景", "会客模式", "度假模式")
EN_SCENES = ("Movie Night", "Good Morning", "Away", "Dinner Party", "Wind Down", "Vacation")
ZH_INTERVALS = ("四十分钟", "一小时", "一个半小时", "两小时")
EN_INTERVALS = ("40 minutes", "hour", "90 minutes", "two hours")
ZH_HABITS = ("喝口水", "站起来活动活动", "看看远处", "做一下眼保健操")
EN_HABITS = ("drink some water", "stand up and stretch", "rest my eyes", "check on the laundry")
ZH_TR_PHRASES = ("我的行李丢了", "请给我一杯温水", "这附近有药店吗", "我想退房", "Wi-Fi密码是多少", "可以帮我们拍张照吗",
                 "可乐不要加冰", "请问几点开门", "我在网上订了房间", "请带我去这个地址", "我的手机没电了", "这件可以试穿吗",
                 "祝你早日康复", "路上小心")
EN_TR_PHRASES = ("My luggage is lost", "A glass of warm water, please", "Is there a pharmacy nearby?",
                 "I'd like to check out", "What's the Wi-Fi password?", "Could you take a photo of us?",
                 "No ice, please", "What time do you open?", "I have a reservation", "Please take me to this address",
                 "My phone is dead", "Can I try this on?", "Get well soon", "Get home safe")
ZH_TR_LANGS = ("韩语", "德语", "西班牙语", "意大利语", "葡萄牙语")
EN_TR_LANGS = ("Spanish", "German", "Korean", "Italian", "Portuguese")
ZH_IDIOMS = ("画蛇添足", "塞翁失马", "对牛弹琴", "入乡随俗", "一举两得", "半途而废")
CUBES = _nums(*range(3, 16))
POWERS = _nums(*range(8, 21))
SQUARES = _nums(*(k * k for k in range(12, 32)))
ZH_FRACTIONS = ("二分之一", "三分之一", "四分之一", "五分之一", "六分之一", "三分之二")
EN_FRACTIONS = ("a half", "a third", "a quarter", "a fifth", "two thirds")
DIVIDENDS = _nums(*range(101, 1000, 37))
DIVISORS = _nums(*range(3, 10))

# Complex task tables (new topics: none of datagen's).
ZH_PROOF_TASKS = (
    "推导斯特林近似公式", "证明 det(AB) = det(A)·det(B)", "证明詹森不等式", "推导卡特兰数的通项公式", "证明相邻两个斐波那契数互质",
    "用光钟推导狭义相对论的时间膨胀公式", "推导理想气体绝热过程中 pV^γ 为常数", "推导圆内接四边形面积的婆罗摩笈多公式",
    "推导沃利斯乘积公式", "推导所有本原勾股数的通式", "证明霍尔婚配定理", "证明任何平面图都可以六染色", "推导错排数的递推式和通项",
    "推导声波的多普勒效应公式", "从费马原理推导斯涅尔折射定律", "证明素数阶的群一定是循环群", "推导集齐 n 种卡片的期望抽卡次数",
    "推导实心球绕直径的转动惯量",
)
EN_PROOF_TASKS = (
    "derive Stirling's approximation", "prove that det(AB) = det(A)det(B)", "prove Jensen's inequality",
    "derive the closed form of the Catalan numbers", "prove that consecutive Fibonacci numbers are coprime",
    "derive time dilation in special relativity from a light clock",
    "derive the adiabatic relation pV^γ = const for an ideal gas",
    "derive Brahmagupta's formula for the area of a cyclic quadrilateral", "derive the Wallis product",
    "derive the general form of all primitive Pythagorean triples", "prove Hall's marriage theorem",
    "prove that every planar graph can be colored with six colors", "derive the formula for the number of derangements",
    "derive the Doppler shift formula for sound", "derive Snell's law from Fermat's principle",
    "prove that every group of prime order is cyclic", "derive the expected number of draws in the coupon collector problem",
    "derive the moment of inertia of a solid sphere about a diameter",
)
ZH_PROOF_SHORT = ("推导一下斯特林公式", "推一下错排公式", "证一下詹森不等式", "推导多普勒效应公式", "证明素数阶群是循环群",
                  "推导沃利斯公式", "证明霍尔婚配定理", "推一下斯涅尔定律", "推导卡特兰数通项")
EN_PROOF_SHORT = ("derive Stirling's formula", "prove Jensen's inequality", "derive the Doppler formula",
                  "prove Hall's marriage theorem", "derive Snell's law from Fermat", "prove groups of prime order are cyclic",
                  "derive the derangement formula", "derive the Wallis product")
ZH_PROOF_SHORT_Q = ("为什么负负得正？", "π为什么是无理数", "球面三角形的内角和为啥大于180度", "为什么0的0次方有争议",
                    "集卡游戏为啥越到最后越难集齐")
EN_PROOF_SHORT_Q = ("Why is a negative times a negative positive?", "Why is pi irrational?",
                    "Why is the last sticker always the hardest to get?", "Why does 23 people make a shared birthday likely?")
ZH_PROOF_PLAIN = (
    "为什么人数多了以后，所有人都拿错帽子的概率会趋近于 1/e？", "为什么抛硬币次数越多，正反面次数之差的绝对值反而越来越大？",
    "一个数各位数字之和能被9整除，为什么它本身就能被9整除？", "负数乘负数为什么会得到正数，能讲出个道理吗？",
    "生日问题里为什么只要23个人，有两人同一天生日的概率就超过一半？", "为什么π是无理数？有没有什么办法能让我真正信服",
    "球面上画的三角形，三个角加起来为什么会超过180度？", "为什么高斯积分 ∫e^(−x²)dx 的结果正好是根号π？",
    "为什么任意连续n个整数的乘积一定能被n的阶乘整除？", "为什么随机游走在一维和二维一定会回到原点，三维却不一定？",
)
EN_PROOF_PLAIN = (
    "Why does the chance that nobody gets their own hat back approach 1/e as the crowd grows?",
    "Why do you need roughly n log n packs to collect all n stickers in an album?",
    "Why does the digit-sum trick for divisibility by 9 actually work?",
    "Why is a negative times a negative positive? I mean really, not just the rule.",
    "How is it that only 23 people give better-than-even odds of a shared birthday?",
    "Why is pi irrational, and how could anyone know that for sure?",
    "Why does a triangle drawn on a sphere have angles adding up to more than 180 degrees?",
    "Why does the Gaussian integral come out to exactly the square root of pi?",
    "Why must the product of any n consecutive integers be divisible by n factorial?",
    "Why does a random walk always come home in one and two dimensions but not in three?",
)
ZH_ANALYSIS_TASKS = (
    "分析新茶饮品牌靠加盟快速扩张的模式和它的隐患", "分析二手奢侈品回收行业的商业模式和信任难题", "分析演唱会门票黄牛屡禁不止的深层原因",
    "分析宜家在中国为什么没有像在欧洲那样成功", "比较德国和日本制造业在数字化转型上的路径", "分析中国职业足球联赛长期亏损的原因",
    "分析高校扩招对学历含金量和就业的影响", "分析城市宠物经济快速增长的原因和隐忧", "分析波音737MAX危机背后的企业文化问题",
    "比较诺基亚和黑莓在智能手机时代衰落的原因", "分析瑞士钟表业是怎样挺过石英危机的", "分析日本动画产业产量高、画师收入却很低的原因",
    "分析减肥针流行对食品饮料行业的冲击", "分析柯达发明了数码相机却被数码时代淘汰的原因",
)
EN_ANALYSIS_TASKS = (
    "analyze how bubble-tea chains use franchising to expand so fast and what can go wrong",
    "analyze why secondhand luxury resale platforms struggle with trust and authentication",
    "analyze why ticket scalping persists despite every crackdown",
    "analyze why IKEA never became as dominant in China as in Europe",
    "compare how German and Japanese manufacturers approach digital transformation",
    "analyze the culture problems behind Boeing's 737 MAX crisis",
    "compare why Nokia and BlackBerry both lost the smartphone war",
    "analyze how the Swiss watch industry survived the quartz crisis",
    "analyze why Japanese anime studios produce so much yet pay animators so little",
    "analyze how GLP-1 weight-loss drugs could reshape the food industry",
    "analyze why Kodak failed even though it invented the digital camera",
    "analyze how the Premier League's broadcasting deals changed English football",
    "analyze why China's professional football league keeps losing money",
    "analyze the rapid growth of the urban pet economy and its downsides",
)
ZH_ANALYSIS_SHORT = ("分析一下蜜雪冰城为啥能开三万家店", "聊聊波音为什么会出737MAX事故", "分析下宜家在中国为啥不温不火",
                     "为什么中超老是亏钱？", "写篇三千字的黄牛调查", "分析一下瑞士表怎么挺过石英危机", "柯达为什么会倒掉？",
                     "比较下德日制造业转型")
EN_ANALYSIS_SHORT = ("Analyze IKEA's struggles in China.", "Why did Nokia lose the smartphone war?",
                     "essay on the Swiss watch comeback", "Why does ticket scalping never die?",
                     "Why did Kodak miss digital?", "Analyze Boeing's safety culture.",
                     "Write 3,000 words on anime studio pay")
ZH_ANALYSIS_PLAIN = (
    "蜜雪冰城一杯柠檬水才卖四块钱，它到底靠什么赚钱，这种模式能撑多久？", "演唱会门票一开售就秒光，转手就翻几倍，为什么黄牛怎么都管不住？",
    "宜家在欧洲那么成功，为什么到了中国就一直不温不火？", "现在大学生越来越多，本科学历是不是越来越不值钱了，背后的原因是什么？",
    "养宠物的人越来越多，宠物医院和猫粮狗粮这门生意还能火多久？", "波音当年那么强，怎么就一步步走到737MAX接连出事这一步的？",
    "日本动画那么火，为什么画师的收入反而那么低？", "减肥针要是普及了，零食饮料和快餐行业会受到多大冲击？",
)
EN_ANALYSIS_PLAIN = (
    "How does a chain that sells lemonade for fifty cents make money, and can that model last?",
    "Why can't anyone stop ticket scalpers, no matter what they try?",
    "Why did IKEA take off across Europe but stay lukewarm in China for so long?",
    "Is a bachelor's degree losing its value now that everyone has one? Why?",
    "How long can the pet-spending boom last, and what happens to vets and pet-food brands after it?",
    "How did Boeing go from engineering icon to the 737 MAX disasters?",
    "Anime is a global hit, so why are Japanese animators paid so little?",
    "If weight-loss injections go mainstream, what happens to snack and fast-food companies?",
)
ZH_WRITING_PLAIN = ("写一封给十年后自己的长信，回顾这十年的成长和遗憾，四千字左右", "以一位夜班公交司机的一夜为线索写一篇五千字的非虚构作品",
                    "给母校百年校庆写一篇纪念文章，三千字上下，要写到几位老教师", "写一篇四千字的短篇小说，讲一个灯塔看守人最后一个冬天")
EN_WRITING_PLAIN = ("Write a 4,000-word letter to myself ten years from now about what this decade taught me.",
                    "Write a 5,000-word nonfiction piece following one night-bus driver through a full shift.",
                    "Write a centenary tribute for my old school, around 3,000 words, that brings three retired teachers "
                    "to life.",
                    "Write a 4,000-word short story about a lighthouse keeper's last winter on the job.")
ZH_PLAN_TASKS = (
    "规划一次滇藏线十四天的自驾行程，车上有个一岁的宝宝", "做一个九十平二手房的装修计划，预算十五万，三个月完工，期间我们还得住在里面",
    "制定一个边全职上班边备考教师资格证的四个月计划", "规划从北京搬到深圳的一个月时间表，孩子还要办转学",
    "做一份开咖啡店的半年筹备计划，总预算三十万", "给双职工家庭排一个两个月的暑假计划，孩子八岁，要兼顾兴趣班、作业和一次出游",
    "规划一次带两只猫从上海搬到昆明的行程，只能坐火车或者自驾", "规划泉州三日行程，同行有爬不了楼梯的老人",
    "制定一个九个月考过HSK四级的学习计划，给我那位每天只有半小时的德国同事", "做一个八十人家族聚会的三天计划，三代人，预算五万",
)
EN_PLAN_TASKS = (
    "plan a 10-day winter trip to Finnish Lapland with a toddler, including a real shot at the northern lights",
    "make a 6-week kitchen renovation plan while we both work from home",
    "make a 3-month study plan for the AWS Solutions Architect exam alongside a full-time job",
    "plan a 3-day family reunion for 40 people across three generations on $10k",
    "plan two weeks in Peru including Machu Picchu for a vegan who worries about altitude",
    "make a 4-month plan for moving from Chicago to Valencia with a dog",
    "make a 9-month plan to reach HSK 4 in Mandarin with 30 minutes a day",
    "make a 12-week training plan for my first 5 km open-water swim",
    "plan a 3-day Valencia itinerary for a dad who can't manage stairs",
    "plan the first 6 months of opening a small coffee shop on $80k",
)
ZH_PLAN_SHORT = ("帮我规划三天的泉州行程，老人腿脚不便", "做个三个月的考证计划", "规划一下滇藏线自驾两周", "安排一下搬家去深圳的事",
                 "排个咖啡店开业计划", "帮我规划下孩子两个月暑假", "带俩猫搬去昆明怎么安排")
EN_PLAN_SHORT = ("plan 3 days in Valencia, no stairs for dad", "Lapland in winter with a toddler?",
                 "plan my kitchen reno, 6 weeks", "12-week plan for a 5 km open-water swim",
                 "plan our 40-person family reunion", "Peru in 2 weeks, vegan, scared of altitude: plan?",
                 "map out my move to Valencia with a dog")
ZH_PLAN_PLAIN = (
    "十一想带爸妈和一岁的娃去泉州玩三天，我爸腿脚不好，怎么走才不累？", "滇藏线自驾两周，车上有个一岁宝宝，每天开多远、住哪里才稳妥？",
    "房子九十平，预算十五万，三个月要装完，我们装修期间还得住里面，先做什么后做什么？",
    "下个月从北京搬去深圳，孩子要转学，家具要卖一半，这一个月怎么一步步推进？", "手里有三十万想开家咖啡店，从选址到开业半年内每个月该干什么？",
    "孩子放两个月暑假，我们夫妻俩都要上班，兴趣班、作业和一次短途游怎么穿插？",
)
EN_PLAN_PLAIN = (
    "We want three days in Valencia and my dad can't do stairs. Which areas and which order make sense?",
    "Ten days in Finnish Lapland in February with a two-year-old: how should we split our time and lodging?",
    "We're redoing our kitchen in six weeks while both working from home. What order should the work happen in?",
    "I have four months to move from Chicago to Valencia with a dog. What needs to happen each month?",
    "I want to swim 5 km in open water twelve weeks from now and I currently manage 1 km. How should my weeks look?",
    "Forty relatives, three generations, three days and $10k: how do we run this reunion?",
)
ZH_CODE_TASKS = (
    "用 Rust 写一个 rope 数据结构", "用 Go 实现一棵能验证单个叶子的默克尔树", "用 C 写一个带自定义字节码的小虚拟机",
    "写一个能找出所有重叠区间的区间树", "实现 LZ77 压缩和解压", "用 IDA* 写一个 15 数码求解器",
    "用 WebSocket 写一个多人共享白板的同步服务", "用 C 实现一个标记-清除垃圾回收器", "写一个 Lisp 子集的解释器",
    "实现 Myers 差分算法，输出和 git diff 类似的结果", "用 numpy 从零实现 DBSCAN 聚类", "实现一个带半开状态的 HTTP 客户端熔断器",
    "用 SwiftUI 写一个离线也能用、联网后自动同步的习惯打卡应用", "用四叉树做 2D 游戏里的碰撞检测",
)
EN_CODE_TASKS = (
    "write a rope data structure in Rust", "implement a Merkle tree in Go that can verify a single leaf",
    "write a tiny virtual machine with its own bytecode in C", "write an interval tree that finds all overlapping ranges",
    "implement LZ77 compression and decompression", "write a 15-puzzle solver using IDA*",
    "build a shared-whiteboard sync server over WebSockets", "implement a mark-and-sweep garbage collector in C",
    "write an interpreter for a small Lisp subset", "implement the Myers diff algorithm with git-style output",
    "implement DBSCAN from scratch in NumPy", "implement a circuit breaker with a half-open state for an HTTP client",
    "build an offline-first habit tracker in SwiftUI that syncs when it's back online",
    "implement quadtree collision detection for a 2D game",
)
ZH_CODE_SHORT = ("用Rust写个rope", "写个15数码求解器", "Go实现默克尔树", "手写LZ77压缩", "C写个小虚拟机", "写个Lisp解释器",
                 "用C写个垃圾回收器", "写个区间树")
EN_CODE_SHORT = ("write a rope in rust", "15-puzzle solver in python pls", "Merkle tree in Go?", "write me an LZ77 compressor",
                 "interval tree in C++", "tiny bytecode VM in C, go", "mini Lisp interpreter in Python",
                 "mark-and-sweep GC in C please")
ZH_CODE_PLAIN = (
    "我的 Go 服务跑几个小时 goroutine 数量就涨到几十万，怎么一步步查出是哪里泄漏的？",
    "每晚跑批的时候 Postgres 从库会落后主库好几分钟，怎么查原因、怎么解决？", "扩容到三台服务器以后，定时任务偶尔会跑两遍，怎么保证每个任务只跑一次？",
    "为什么我的 Rust 程序一加 async 就报生命周期错误，借用检查器到底在担心什么？",
    "用 Python 写一个能读懂 crontab 表达式并算出下次运行时间的小库，要带测试。",
    "写一个命令行工具，把两个文件夹里的文件按内容比对出新增、删除和修改的。",
)
EN_CODE_PLAIN = (
    "My Go service leaks goroutines until it falls over after a few hours. How do I find where?",
    "Our Postgres replica falls minutes behind during the nightly batch jobs. How do I find out why and fix it?",
    "Since we scaled to three servers, some scheduled jobs run twice. How do I make sure each runs exactly once?",
    "Why does my Rust program start fighting the borrow checker the moment I add async, and how do I restructure it?",
    "Write a small Python library that parses crontab expressions and computes the next run time, with tests.",
    "Build a command-line tool that diffs two folders by file content and lists what was added, removed or changed.",
)

# ---------------------------------------------------------------------------------------------
# Templates: category -> lang -> phrasings. The position in the tuple is the group id (t01, ...);
# append new templates at the end to keep existing group ids stable.

TEMPLATES: dict[str, dict[str, tuple[Template, ...]]] = {
    "device_control": {
        "zh": (
            T("洗衣机用{wash}模式洗一下", ("wash", ("快洗", "棉麻", "羽绒服", "婴童", "大件", "除螨"))),
            T("电饭煲预约明早{h}把{rice}煮好", ("h", ("6点", "6点半", "7点", "7点一刻")), ("rice", ("粥", "米饭", "杂粮饭"))),
            T("切换到{scene}", ("scene", ZH_SCENES)),
            T("{room}地暖调到{t}度", ("room", ("客厅", "主卧", "老人房", "书房", "儿童房")), ("t", _nums(*range(18, 27)))),
            T("电热毯开到{lv}档，{dur}后自动关", ("lv", ("一", "二", "三")), ("dur", ("一小时", "两小时", "四十分钟", "半小时"))),
            T("卫生间排气扇开{mins}", ("mins", ("十分钟", "二十分钟", "半小时", "一刻钟"))),
            T("电视切到{input}", ("input", ("HDMI2", "机顶盒", "投屏", "游戏机那路信号", "CCTV5", "少儿频道"))),
            T("{room}的音箱放点{music}", ("room", ("厨房", "卧室", "书房", "客厅", "卫生间")),
              ("music", ("轻音乐", "白噪音", "周杰伦的歌", "郭德纲的相声", "雨声", "钢琴曲"))),
            T("手机手电筒{onoff}", ("onoff", ("打开", "关掉", "开一下"))),
            T("喂食器再出{g}克猫粮", ("g", _nums(10, 15, 20, 25, 30))),
            T("阳台晾衣架{dir}", ("dir", ("降下来", "升上去", "开一下烘干", "开风干两小时"))),
            T("鱼缸的{fish}{act}", ("fish", ("灯", "氧气泵", "加热棒")), ("act", ("关了", "开一下"))),
            T("车里空调先开起来，调到{t}度，我{m}分钟后下楼", ("t", _nums(*range(20, 27))), ("m", ("五", "十", "十五"))),
            T("我出门了，家里{arm}", ("arm", ("布防一下", "开启离家布防", "门口摄像头开始录像"))),
            T("手机铃声调成{ring}", ("ring", ("震动", "静音", "响铃加震动"))),
            T("扫拖一体机换成只拖地模式，{room}拖两遍", ("room", ("客厅", "厨房", "餐厅", "走廊"))),
            K("启动我自己设计的{scene}", ("scene", ZH_SCENES)),
            K("扫拖一体机的清扫计划改成每天{when}", ("when", ("上午十点", "下午两点", "晚上八点", "中午十二点"))),
            K("打开投影仪，我要给同事放{kwdoc}", ("kwdoc", ("项目报告", "毕业设计", "季度分析", "竞标设计方案"))),
            K("我在调代码，{room}的台灯开到最亮", ("room", ("书房", "卧室", "客厅"))),
            K("按节能策略，热水器改成{heat}", ("heat", ("夜间加热", "只在早晚加热", "谷电时段加热"))),
            K("电子相框换成“{album}”那个相册", ("album", ("优秀论文颁奖", "毕业设计展", "算法竞赛颁奖"))),
            L("我妈刚从老家过来住几天，她不太会用家里这些电器，晚上洗澡前麻烦先把卫生间的浴霸暖风打开，开{mins}就行",
              ("mins", ("二十分钟", "半小时", "十五分钟"))),
            L("下午可能要下雷阵雨，我人还在公司一时半会儿回不去，阳台上还晾着被子和一堆衣服，赶紧把晾衣架收上去，{extra}",
              ("extra", ("窗户也关一下", "顺便开个烘干", "再把阳台窗关好"))),
            L("猫主子今天早上好像没吃饱，监控里一直在门口转圈叫唤，我在地铁上没法回去，让喂食器再多出一份{g}克的粮吧",
              ("g", _nums(10, 15, 20))),
            L("今晚几个老同学要来家里打游戏，我还在路上堵着，麻烦先把客厅电视切到{input}，别让他们干等着",
              ("input", ("HDMI2", "游戏机那路信号", "投屏"))),
            H("好的先看到这，{room}的{dev}帮我关一下", ONE_COMPLEX, ZC,
              ("room", ("书房", "客厅", "卧室")), ("dev", ("投影仪", "香薰机", "台灯"))),
            H("衣服挂好了，升上去再{dry}", (("阳台晾衣架降下来", "好的，晾衣架正在下降。"),),
              ("dry", ("开两小时烘干", "开风干模式", "烘干一小时"))),
            H("{rest}，我准备休息了", SIMPLE_THEN_COMPLEX, ZS, ZC,
              ("rest", ("切到睡眠场景", "把卧室的电热毯开到二档", "香薰机开上"))),
        ),
        "en": (
            T("Start the washer on {cycle}", ("cycle", ("quick wash", "delicates", "heavy duty", "bedding", "cold rinse",
                                                         "sanitize"))),
            T("Run the dishwasher on {dw}", ("dw", ("the eco cycle", "quick", "pots and pans", "a rinse-only cycle",
                                                     "heavy"))),
            T("Activate the {scene} scene", ("scene", EN_SCENES)),
            T("Brew me a {coffee}", ("coffee", ("double espresso", "large americano", "cappuccino", "flat white",
                                                 "decaf latte"))),
            T("Preheat the oven to {f} for the {dish}", ("f", _nums(350, 375, 400, 425, 450)),
              ("dish", ("pizza", "cookies", "roast chicken", "lasagna", "bread"))),
            T("Run the {yard} sprinklers for {m} minutes", ("yard", ("front yard", "backyard", "vegetable bed",
                                                                     "side lawn")), ("m", _nums(10, 15, 20, 25))),
            T("Warm up the car and set the cabin to {t}", ("t", _nums(68, 70, 72, 74))),
            T("Arm the alarm in {mode} mode", ("mode", ("away", "stay", "night"))),
            T("Put the TV on {input}", ("input", ("HDMI 2", "the Apple TV", "the game console", "ESPN", "the cable box"))),
            T("Play {music} on the {room} speaker", ("music", ("some lo-fi beats", "Taylor Swift", "rain sounds",
                                                               "classical piano", "the news podcast")),
              ("room", ("kitchen", "patio", "den", "nursery", "garage"))),
            T("Turn the flashlight {onoff}", ("onoff", ("on", "off"))),
            T("Have the cat feeder drop another {g} grams", ("g", _nums(10, 15, 20, 25, 30))),
            T("Set the {room} ceiling fan to speed {k}", ("room", ("den", "sunroom", "patio", "attic bedroom")),
              ("k", _nums(1, 2, 3, 4))),
            T("Cut power to the smart plug by the {spot}", ("spot", ("desk", "TV", "bed", "Christmas tree", "printer"))),
            T("Put my phone on {ring}", ("ring", ("vibrate", "silent", "ring and vibrate"))),
            T("Send the robot mower {where}", ("where", ("out to cut the back lawn", "back to its dock",
                                                         "to the front yard"))),
            T("Set the electric blanket to level {k}", ("k", _nums(1, 2, 3, 4))),
            T("{sky}", ("sky", ("Open the skylight halfway", "Close the skylight, rain's coming",
                                "Crack the skylight open"))),
            K("Run the {scene} routine I designed", ("scene", EN_SCENES)),
            K("Change the robot mower plan to {days}", ("days", ("Tuesdays and Fridays", "every other day",
                                                                 "weekends only", "Monday mornings"))),
            K("Put the weather report on the {room} TV", ("room", ("den", "kitchen", "bedroom", "basement"))),
            K("Mirror my laptop to the {room} TV for the {kwdoc}", ("room", ("den", "basement")),
              ("kwdoc", ("budget report", "lesson plan", "garden design", "seating plan"))),
            K("Dim the desk lamp to {pct} percent, my eyes hurt from staring at code", ("pct", _nums(20, 30, 40))),
            K("Turn on the heated floor in the bathroom, I've been proofreading my essay for {hrs} hours",
              ("hrs", ("two", "three", "four"))),
            L("My in-laws are staying with us this weekend and my mother-in-law always says the guest room is freezing "
              "at night, so please switch the electric blanket in there to level {k}", ("k", _nums(2, 3, 4))),
            L("We're leaving for the airport in a few minutes and I always forget something on the way out, so go ahead "
              "and arm the alarm in {mode} mode once we've closed the front door", ("mode", ("away", "night"))),
            L("The lawn is looking rough after this heat wave and the city only lets us water early in the morning, so "
              "please run the {yard} sprinklers for {m} minutes while it's still cool",
              ("yard", ("front yard", "backyard", "side lawn")), ("m", _nums(15, 20, 25))),
            L("I'm stuck on the highway behind an accident and the kids will be home from school before me, so please "
              "activate the {scene} scene so the house is ready when they walk in",
              ("scene", ("Good Morning", "Dinner Party", "Wind Down"))),
            H("Great, I'll read it properly later. Turn off the {dev} in the {room} for now.", ONE_COMPLEX, EC,
              ("dev", ("projector", "diffuser", "desk lamp")), ("room", ("den", "office", "bedroom"))),
            H("And run the dishwasher on {dw} while you're at it",
              (("Start the washer on {cycle}", "Started the washer on {cycle}."),),
              ("cycle", ("delicates", "bedding", "quick wash")), ("dw", ("the eco cycle", "pots and pans", "quick"))),
            H("Okay, enough for today. Switch the house to the {scene} scene.", SIMPLE_THEN_COMPLEX, ES, EC,
              ("scene", ("Wind Down", "Movie Night", "Away"))),
        ),
    },
    "timer_reminder": {
        "zh": (
            T("{sw}", ("sw", ("开始秒表计时", "帮我开个秒表", "秒表走起", "秒表开始"))),
            T("{tq}", ("tq", ("倒计时还剩多久", "计时器先暂停一下", "刚才那个计时器继续", "计时器还有几分钟"))),
            T("每隔{iv}提醒我{hab}", ("iv", ZH_INTERVALS), ("hab", ZH_HABITS)),
            T("到家的时候提醒我{task}", ("task", ("给绿萝施肥", "换净水器滤芯", "把快递箱拆了", "给老王回个电话",
                                                 "把护照放进背包", "收阳台的被子"))),
            T("一到公司就提醒我{task}", ("task", ("打印登机牌", "给物业打电话", "把发票交给财务", "订会议室"))),
            T("{date}是{who}生日，提前{lead}提醒我", ("date", ("下周三", "这个月28号", "5月20号", "下下周六")),
              ("who", ("我妈", "我老婆", "我闺蜜", "岳父", "我儿子")), ("lead", ("一天", "两天", "三天"))),
            T("每个月{d}号提醒我{monthly}", ("d", _nums(1, 5, 10, 15, 20, 25)),
              ("monthly", ("还信用卡", "交物业费", "给手机充话费", "给爸妈转生活费", "续视频会员"))),
            T("我午睡{nap}，到时间喊我", ("nap", ("二十分钟", "半小时", "二十五分钟", "四十分钟"))),
            T("{rq}", ("rq", ("明天的提醒全部删掉", "我明天都有哪些提醒", "把周五的提醒挪到周六", "这周的提醒都列出来"))),
            T("停车还有{m}分钟到期，提前十分钟叫我去挪车", ("m", _nums(30, 45, 50, 60, 90))),
            K("{when}喊我去打印{kwdoc}", ("when", ("周四下午三点", "明早九点", "今晚八点", "中午十二点")),
              ("kwdoc", ("体检报告", "设计图纸", "述职报告", "论文终稿"))),
            K("每隔{iv}提醒我从代码里抬头看看远处", ("iv", ZH_INTERVALS)),
            K("{day}早上提醒我把论文查重结果发给导师", ("day", ("下周一", "明天", "周三", "后天"))),
            K("开个秒表，看看我讲完这份{kwdoc}要多久", ("kwdoc", ("竞标设计方案", "述职报告", "可行性报告"))),
            K("{when}提醒我把下周的健身计划发给教练", ("when", ("今晚九点", "明天中午", "周日晚上"))),
            K("提醒我{t}去参加策略组的周会", ("t", ("十点", "下午两点", "三点半", "明早九点半"))),
            L("我最近在喝中药，医生交代一定要饭后一小时再喝，可我一忙就忘，刚吃完午饭，你{gap}后喊我一声",
              ("gap", ("一小时", "五十分钟", "一个钟头"))),
            L("下个月{d}号是我和老公的结婚十周年，我怕工作一忙又忘了，提前{lead}提醒我去订餐厅和买花",
              ("d", _nums(8, 12, 15, 21)), ("lead", ("一周", "三天", "五天"))),
            L("我在楼下等外卖，顺便在小区里走两圈，骑手说大概还要{m}分钟才到，你到点提醒我回门口去拿",
              ("m", _nums(15, 20, 25, 30))),
            H("行，我先去开个会，{gap}后提醒我回来接着看", ONE_COMPLEX, ZC, ("gap", ("四十分钟", "一小时", "一个半小时"))),
            H("改成{iv}一次吧", (("每隔一小时提醒我{hab}", "好的，每隔一小时提醒你{hab}。"),), ("hab", ZH_HABITS),
              ("iv", ("四十分钟", "半小时", "两小时"))),
            H("收藏了。{when}提醒我再看一遍", SIMPLE_THEN_COMPLEX, ZS, ZC, ("when", ("今晚九点", "明天午休的时候", "周六上午"))),
        ),
        "en": (
            T("{sw}", ("sw", ("start a stopwatch", "Stopwatch, go", "Start the stopwatch please", "begin a stopwatch"))),
            T("{tq}", ("tq", ("how much time is left on the timer?", "pause the timer", "resume my timer",
                              "Add five minutes to the timer"))),
            T("Remind me every {iv} to {hab}", ("iv", EN_INTERVALS), ("hab", EN_HABITS)),
            T("When I get home, remind me to {task}", ("task", ("defrost the chicken", "change the water filter",
                                                              "call the plumber back", "fertilize the tomatoes",
                                                              "pack the passports", "return the rental skis"))),
            T("Remind me to {task} as soon as I get to work", ("task", ("print the boarding passes", "order printer ink",
                                                                        "book a meeting room",
                                                                        "hand in my timesheet"))),
            T("{Who}'s birthday is {date}, remind me {lead} before", ("who", ("Mom", "my wife", "my best friend", "Dad",
                                                                             "my nephew")),
              ("date", ("next Wednesday", "on the 28th", "May 20th", "two weeks from Saturday")),
              ("lead", ("a day", "two days", "three days"))),
            T("On the {nth} of every month, remind me to {monthly}", ("nth", ("1st", "5th", "10th", "15th", "20th",
                                                                             "25th")),
              ("monthly", ("pay the car loan", "top up my transit card", "pay the HOA fee", "send Mom her allowance"))),
            T("Taking a {nap} nap, wake me when it's over", ("nap", ("20-minute", "half-hour", "25-minute", "40-minute"))),
            T("{rq}", ("rq", ("delete all my reminders for tomorrow", "What reminders do I have on Thursday?",
                              "push Friday's reminders to Saturday", "list this week's reminders"))),
            T("My parking runs out in {m} minutes, ping me 10 minutes before", ("m", _nums(30, 45, 50, 60, 90))),
            K("Remind me at {t} to print the {kwdoc}", ("t", ("noon", "4 pm", "8:30 tomorrow morning", "9 tonight")),
              ("kwdoc", ("lesson plan", "floor plan", "expense report", "design mockups"))),
            K("Start a stopwatch, I want to see how long my {kwdoc} takes to read aloud",
              ("kwdoc", ("essay", "book report", "design pitch"))),
            K("Every {iv} remind me to look up from the code", ("iv", EN_INTERVALS)),
            K("Remind me {day} to sign my son's report card", ("day", ("tonight", "tomorrow morning", "after dinner",
                                                                       "before bed"))),
            K("Remind me {day} to renew the dental plan", ("day", ("tonight", "tomorrow morning", "on Monday"))),
            K("Remind me {fri} to book a room for the strategy offsite", ("fri", ("Friday morning", "Monday at 9",
                                                                                  "tomorrow at noon"))),
            L("My daughter has swim practice on Tuesdays and Thursdays and I've been late picking her up twice this "
              "month already, so remind me at {t} on those days to leave the office", ("t", ("5:15 pm", "5:30 pm",
                                                                                             "4:45 pm"))),
            L("The library books are due back next Saturday and last time I paid almost twenty dollars in late fees, "
              "so please remind me {lead} before so I have time to find them all",
              ("lead", ("two days", "the Thursday", "three days"))),
            L("I just put a sourdough loaf in the oven and I'm about to get on a video call with my sister, which always "
              "runs long, so set a {m}-minute countdown that I can't miss", ("m", _nums(35, 40, 45))),
            H("Great, I'll read it later. Remind me at {t} to go through it properly.", ONE_COMPLEX, EC,
              ("t", ("9 tonight", "noon tomorrow", "8 pm"))),
            H("{stop}", (("start a stopwatch", "Stopwatch started."),),
              ("stop", ("ok stop it, how long was that?", "Stop. What's the time?", "pause it and tell me the time"))),
            H("Make it every {iv} instead", (("Remind me every hour to {hab}", "Okay, I'll remind you every hour to "
                                                                               "{hab}."),),
              ("hab", EN_HABITS), ("iv", ("40 minutes", "half hour", "two hours"))),
            H("Saving that for later. Remind me {when} to reread it.", SIMPLE_THEN_COMPLEX, ES, EC,
              ("when", ("tonight at 9", "tomorrow at lunch", "Saturday morning"))),
        ),
    },
    "lookup": {
        "zh": (
            T("{date}是星期几", ("date", ("今年国庆节", "明年元旦", "下个月1号", "今年圣诞节", "2027年2月14号"))),
            T("今年{fest}是几月几号", ("fest", ZH_FESTIVALS)),
            T("离{fest}还有几天", ("fest", ZH_FESTIVALS)),
            T("{city}明天几点日出", ("city", ZH_NEW_CITIES)),
            T("{city}今天几点日落", ("city", ZH_NEW_CITIES)),
            T("今天{city}紫外线强不强", ("city", ZH_NEW_CITIES)),
            T("{amt}{cur}现在能换多少人民币", ("amt cur", (("100", "美元"), ("500", "欧元"), ("1万", "日元"),
                                                      ("1000", "港币"), ("200", "英镑")))),
            T("{pkg}", ("pkg", ("我的快递到哪了", "查下我那个顺丰件到哪儿了", "京东的包裹今天能到吗", "菜鸟驿站有我的件吗"))),
            T("现在去{place}堵不堵", ("place", ("首都机场", "虹桥火车站", "白云机场", "市中心", "高铁南站"))),
            T("附近的{shop}几点关门", ("shop", ("药店", "超市", "邮局", "银行", "菜市场"))),
            T("{phone}", ("phone", ("手机还剩多少电", "手机存储空间还剩多少", "今天屏幕使用时间多长了", "这个月流量用了多少"))),
            T("{n}斤是多少公斤", ("n", ("3", "5", "8", "12", "半", "两"))),
            T("{n}亩地有多少平方米", ("n", ("1", "3", "5", "10", "半"))),
            T("{n}英尺等于多少米", ("n", _nums(6, 10, 12, 30, 100))),
            T("{n}盎司是多少克", ("n", _nums(1, 4, 8, 12, 16))),
            T("时速{n}英里是多少公里", ("n", _nums(30, 55, 65, 70))),
            T("{lunar}", ("lunar", ("今天农历几号", "下一个节气是什么", "今天是什么节气"))),
            T("{flight}航班今天准点吗", ("flight", ("CA1831", "MU5101", "CZ3101", "HU7605", "3U8881"))),
            K("报告里要填汇率，现在一{cur}换多少人民币", ("cur", ("美元", "欧元", "英镑", "港币"))),
            K("设计图上标的是{n}英尺，合多少米", ("n", _nums(8, 12, 20, 36))),
            K("做装修计划要用，{n}平米是多少平方英尺", ("n", _nums(60, 89, 120, 150))),
            K("论文里要写采样日期，{date}是星期几", ("date", ("2025年11月3号", "去年5月12号", "2024年8月20号"))),
            K("查下我日历上{kwclass}几点开始", ("kwclass", ("算法课", "设计评审", "论文读书会", "项目计划会"))),
            K("{city}明天几点日出？想拍延时，要提前规划机位", ("city", ZH_NEW_CITIES)),
            L("下个月要去大阪玩，手头攒了一些日元现金一直没用，想先心里有个数，现在{amt}日元大概能换多少人民币",
              ("amt", ("一万", "五万", "三万"))),
            L("家里在老家有几亩地，村里说要流转出去，我爸一直问我到底有多大，{n}亩地折合多少平方米啊",
              ("n", ("两", "三", "五", "八"))),
            L("刚下单了一台{app}，客服说今天就能送到，可我下午要出门办事，帮我看看这个包裹现在到哪儿了",
              ("app", ("洗碗机", "烤箱", "空气炸锅", "跑步机"))),
            H("{fu}", (("{city}明天几点日出", "正在为你查询{city}明天的日出时间。"),), ("city", ZH_NEW_CITIES),
              ("fu", ("那日落呢？", "后天呢？", "那边明天紫外线强吗"))),
            H("先不聊这个了，{amt}{cur}现在能换多少人民币", ONE_COMPLEX, ZC,
              ("amt cur", (("100", "美元"), ("500", "欧元"), ("1000", "港币")))),
            H("对了，今年{fest}是哪天", SIMPLE_THEN_COMPLEX, ZS, ZC, ("fest", ZH_FESTIVALS)),
        ),
        "en": (
            T("What day of the week is {date}?", ("date", ("July 4th this year", "New Year's Day 2027",
                                                            "the 1st of next month", "Halloween",
                                                            "Valentine's Day next year"))),
            T("When is {hol} this year?", ("hol", EN_HOLIDAYS)),
            T("How many days until {hol}?", ("hol", EN_HOLIDAYS)),
            T("What time is sunset in {city} tonight?", ("city", EN_NEW_CITIES)),
            T("When's sunrise in {city} tomorrow?", ("city", EN_NEW_CITIES)),
            T("Is the UV index high in {city} today?", ("city", EN_NEW_CITIES)),
            T("What's the exchange rate from {c1} to {c2}?", ("c1 c2", (("dollars", "euros"), ("euros", "pounds"),
                                                                         ("yen", "dollars"), ("pesos", "dollars"),
                                                                         ("dollars", "Canadian dollars")))),
            T("{pkg}", ("pkg", ("Where's my package?", "track my Amazon order", "Is my UPS delivery still coming today?",
                                "When will my FedEx box arrive?"))),
            T("How's traffic to {place} right now?", ("place", ("JFK", "the stadium", "downtown", "O'Hare",
                                                                "the ferry terminal"))),
            T("When does the {shop} close today?", ("shop", ("pharmacy on Main Street", "nearest post office", "Costco",
                                                             "bank branch downtown", "hardware store"))),
            T("{phone}", ("phone", ("How much battery do I have left?", "how much storage is left on my phone",
                                    "What's my screen time today?", "How much mobile data have I used this month?"))),
            T("{n} feet in meters", ("n", _nums(6, 10, 12, 30, 100))),
            T("What's {n} mph in km/h?", ("n", _nums(30, 55, 65, 70, 80))),
            T("How many ml is {n} cups?", ("n", ("1", "2", "1.5", "3", "0.5"))),
            T("{n} acres to hectares", ("n", _nums(1, 5, 10, 40, 160))),
            T("How many teaspoons in {n} tablespoons?", ("n", _nums(2, 3, 4, 6))),
            T("{moon}", ("moon", ("What's the moon phase tonight?", "When's the next full moon?",
                                  "Is there a meteor shower this week?"))),
            T("Is flight {flight} on time?", ("flight", ("BA117", "UA901", "DL44", "AC856", "QF12"))),
            K("For the expense report: what's {amt} euros in dollars today?", ("amt", ("250", "80", "1,200", "45"))),
            K("The floor plan says {n} square meters, how many square feet is that?", ("n", _nums(50, 75, 90, 120))),
            K("When's sunrise tomorrow in {city}? I'm planning a photo walk", ("city", EN_NEW_CITIES)),
            K("Check my calendar: when is the {kwmeet}?", ("kwmeet", ("design critique", "strategy sync", "code freeze",
                                                                      "essay deadline"))),
            K("What's today's date? I need it for my {doc} header", ("doc", ("essay", "book report", "field report"))),
            K("How long is the drive to {place} right now? I'm sorting out our travel plans",
              ("place", ("JFK", "the stadium", "O'Hare", "the ferry terminal"))),
            L("We're driving up to the lake cabin this afternoon and my husband swears we'll beat the rush, but I have a "
              "feeling the highway will be packed, so how's traffic on the way to {place} right now?",
              ("place", ("Lake Tahoe", "the Cape", "the Poconos"))),
            L("My grandmother's old cookbook measures everything in cups and all I have is a measuring jug in "
              "milliliters, so how many milliliters is {n} cups?", ("n", ("1.5", "2", "3", "0.75"))),
            L("An old friend just flew in from {city} and she insists on paying me back for the concert tickets in "
              "euros, so what's the euro to dollar rate right now?", ("city", ("Madrid", "Rome", "Berlin", "Vienna"))),
            H("{fu}", (("What's the exchange rate from dollars to {c}?", "Checking the current dollar to {c} rate."),),
              ("c", ("yen", "euros", "pesos")), ("fu", ("And to Korean won?", "What about British pounds?",
                                                        "how about Swiss francs"))),
            H("Thanks. Unrelated, but what day of the week is {date}?", ONE_COMPLEX, EC,
              ("date", ("Halloween", "July 4th this year", "New Year's Day 2027"))),
            H("Got it. When is {hol} this year, by the way?", SIMPLE_THEN_COMPLEX, ES, EC, ("hol", EN_HOLIDAYS)),
        ),
    },
    "translation": {
        "zh": (
            T("教我一句{lang}：{ph}", ("lang", ZH_TR_LANGS), ("ph", ZH_TR_PHRASES)),
            T("用{lang}跟服务员说“{ph}”，怎么表达", ("lang", ZH_TR_LANGS), ("ph", ("请给我一杯温水", "可乐不要加冰",
                                                                               "Wi-Fi密码是多少", "可以帮我们拍张照吗"))),
            T("{ph}——翻成{lang}", ("ph", ZH_TR_PHRASES), ("lang", ZH_TR_LANGS)),
            T("英文单词{word}啥意思", ("word", ("serendipity", "procrastinate", "awkward", "brunch", "jet lag", "cozy"))),
            T("帮我看看这句西班牙语什么意思：{es}", ("es", ("¿Dónde está la farmacia?", "Mucho gusto", "Hasta mañana",
                                                       "No hablo español", "¿Me trae la carta?"))),
            T("“{idiom}”这个成语英文怎么翻", ("idiom", ZH_IDIOMS)),
            T("韩剧里老说的“{ko}”是啥意思", ("ko", ("사랑해", "화이팅", "대박", "괜찮아", "보고 싶어"))),
            T("{jp}这句日语什么意思", ("jp", ("いただきます", "お疲れ様です", "よろしくお願いします", "行ってきます"))),
            K("“{kwterm}”翻成英文是什么", ("kwterm", ("可行性分析报告", "算法工程师", "设计稿", "商业计划书", "推导过程", "论文致谢",
                                                 "系统设计面试"))),
            K("{kwen}是什么意思", ("kwen", ("floor plan", "proof of address", "design pattern", "game plan",
                                         "code of conduct", "weather report"))),
            K("简历上写“{resume}”，英文怎么写比较地道", ("resume", ("熟悉常用数据结构与算法", "负责产品的交互设计",
                                                                 "撰写季度分析报告"))),
            K("{kwterm}，{lang}版本是啥", ("kwterm", ("论文致谢", "设计稿", "体检报告", "出差行程单")), ("lang", ZH_TR_LANGS)),
            L("我女儿在{country}交换，寄宿家庭的阿姨对她特别照顾，下次视频的时候我想亲口跟她说一句“谢谢您照顾我的女儿”，用{lang}怎么说",
              ("country lang", (("西班牙", "西班牙语"), ("德国", "德语"), ("意大利", "意大利语")))),
            L("下周要接待几个从{country}来的客户，老板让我在门口迎接，我{lang}一窍不通，至少想学会一句“欢迎来到我们公司”，该怎么讲",
              ("country lang", (("德国", "德语"), ("韩国", "韩语"), ("西班牙", "西班牙语")))),
            L("小区里新搬来一户韩国邻居，阿姨每次碰见我都笑着打招呼，可惜我们语言不通，我想下回用韩语回她一句“{kor}”，该怎么说",
              ("kor", ("您好，欢迎搬来", "您做的泡菜真好吃", "有空来家里坐坐"))),
            H("{fu}", (("“{ph}”用韩语怎么说", "韩语可以说：{ko}"),),
              ("ph ko", (("我想退房", "체크아웃하고 싶어요"), ("请给我一杯温水", "따뜻한 물 한 잔 주세요"),
                         ("这附近有药店吗", "근처에 약국이 있나요?"), ("祝你早日康复", "빨리 나으세요"))),
              ("fu", ("那西班牙语呢？", "德语怎么说？", "换成日语呢"))),
            H("明白了。顺便问下，{ph}——{lang}怎么讲", ONE_COMPLEX, ZC, ("ph", ZH_TR_PHRASES), ("lang", ZH_TR_LANGS)),
            H("好嘞。最后问一句，{idiom}英文怎么翻", SIMPLE_THEN_COMPLEX, ZS, ZC, ("idiom", ZH_IDIOMS)),
        ),
        "en": (
            T("Teach me to say \"{ph}\" in {lang}", ("ph", EN_TR_PHRASES), ("lang", EN_TR_LANGS)),
            T("Say \"{ph}\" in {lang} for me", ("ph", EN_TR_PHRASES), ("lang", EN_TR_LANGS)),
            T("What does \"{foreign}\" mean in English?", ("foreign", ("danke schön", "de nada", "arrivederci",
                                                                       "obrigado", "à bientôt", "bitte schön",
                                                                       "buen provecho"))),
            T("Is there an English word for {zhword}?", ("zhword", ("缘分", "撒娇", "面子", "客气", "热闹"))),
            T("{lang} for \"{ph}\"?", ("lang", EN_TR_LANGS), ("ph", EN_TR_PHRASES)),
            T("what does the idiom {idiom} mean in English", ("idiom", ("画蛇添足 (hua she tian zu)",
                                                                        "对牛弹琴 (dui niu tan qin)",
                                                                        "塞翁失马 (sai weng shi ma)",
                                                                        "入乡随俗 (ru xiang sui su)"))),
            T("Translate \"{de}\" from German", ("de", ("Heute geschlossen", "Bitte nicht stören", "Ausgang",
                                                         "Vorsicht, Stufe"))),
            K("What's the {lang} phrase for \"{kwen}\"?", ("lang", EN_TR_LANGS),
              ("kwen", ("business plan", "code of conduct", "proof of purchase", "interior design", "essay question",
                        "weather report"))),
            K("Translate \"{kwjob}\" into {lang}", ("kwjob", ("algorithm engineer", "design intern",
                                                               "strategy consultant", "code reviewer")),
              ("lang", EN_TR_LANGS)),
            K("What does the Chinese word {kwzh} mean?", ("kwzh", ("论文", "推导", "设计师", "报告厅", "行程单"))),
            K("How do I say \"my report is late\" in {lang}?", ("lang", EN_TR_LANGS)),
            L("My neighbor is an elderly {nat} man who has been helping me with my garden all summer, and I'd love to "
              "thank him in his own language next time I see him, so how do I say \"thank you for everything\" in "
              "{lang}?", ("nat lang", (("Italian", "Italian"), ("Portuguese", "Portuguese"), ("German", "German")))),
            L("I'm hosting an exchange student from {city} next month and I'd like to greet her properly when she lands "
              "at the airport, so how would I say \"welcome, we're so happy you're here\" in {lang}?",
              ("city lang", (("Seoul", "Korean"), ("Madrid", "Spanish"), ("Munich", "German")))),
            L("There's a handwritten sign in German on the door of the little bakery near my office and everyone seems "
              "to understand it except me: \"{de}\". What does it say?",
              ("de", ("Heute geschlossen", "Nur Barzahlung", "Bin gleich zurück"))),
            H("{fu}", (("How do you say \"{ph}\" in Spanish?", "In Spanish: {es}"),),
              ("ph es", (("Get well soon", "Que te mejores pronto"), ("Is there a pharmacy nearby?",
                                                                       "¿Hay una farmacia cerca?"),
                         ("A glass of warm water, please", "Un vaso de agua tibia, por favor"))),
              ("fu", ("And in Italian?", "How about German?", "what about Portuguese"))),
            H("Super helpful. Quick one: what does \"{foreign}\" mean?", ONE_COMPLEX, EC,
              ("foreign", ("danke schön", "arrivederci", "obrigado", "de nada"))),
            H("Thanks! Last thing, teach me to say \"{ph}\" in {lang}", SIMPLE_THEN_COMPLEX, ES, EC,
              ("ph", EN_TR_PHRASES), ("lang", EN_TR_LANGS)),
        ),
    },
    "arithmetic": {
        "zh": (
            T("{n}的立方是多少", ("n", CUBES)),
            T("2的{k}次方等于几", ("k", POWERS)),
            T("{sq}开根号是多少", ("sq", SQUARES)),
            T("{a}除以{b}余几", ("a", DIVIDENDS), ("b", DIVISORS)),
            T("{f1}加{f2}等于多少", ("f1", ZH_FRACTIONS), ("f2", ZH_FRACTIONS)),
            T("从{t1}到{t2}一共多少分钟", ("t1", ("早上8点45", "上午9点20", "上午10点35", "上午11点50")),
              ("t2", ("中午12点10", "下午3点", "下午5点半", "晚上7点05"))),
            T("付了{pay}块，东西{cost}元，该找我多少", ("pay cost", (("50", "23.5"), ("100", "37.8"), ("100", "66.6"),
                                                             ("200", "128"), ("50", "46.3"), ("200", "152.5")))),
            T("{jin}斤{price}块钱，一斤多少钱", ("jin price", (("3", "18"), ("2.5", "30"), ("4", "26"), ("1.5", "21"),
                                                         ("6", "45")))),
            T("{p}块存一年，年利率{r}%，利息多少", ("p", ("一万", "五万", "两万")), ("r", ("1.5", "1.75", "2", "2.25"))),
            T("开了{km}公里，百公里油耗{l}升，一共用了多少油", ("km", _nums(120, 360, 450, 80, 600)),
              ("l", ("6", "7", "7.5", "8"))),
            K("代码里写的是2的{k}次方，到底是多少", ("k", POWERS)),
            K("论文要求{lim}字，我写了{done}字，还差多少", ("lim done", (("8000", "6350"), ("10000", "7842"),
                                                                 ("5000", "3916"), ("15000", "12480")))),
            K("按装修计划每平米{u}元，{area}平一共多少钱", ("u", _nums(850, 1200, 680, 1500)), ("area", _nums(89, 120, 65, 143))),
            K("设计稿上一块板宽{w}厘米，拼{k}块总共多宽", ("w", ("45", "60", "37.5", "80")), ("k", _nums(6, 8, 12, 15))),
            K("策略游戏里每回合涨{g}金币，{r}回合一共多少", ("g", _nums(35, 48, 120, 75)), ("r", _nums(12, 25, 40, 18))),
            K("这段代码循环{r}次，每次{ms}毫秒，总共几秒", ("r", _nums(120, 250, 600, 45)), ("ms", _nums(40, 15, 8, 200))),
            L("周末带两个孩子去游乐园玩，成人票一张{a}块，儿童票半价，我和老公再加两个孩子，门票一共得花多少钱",
              ("a", _nums(180, 220, 260, 150))),
            L("我家老人每个月退休金{p}块，房租水电大概要{q}块，剩下的钱他想平均分成四周来花，每周能花多少",
              ("p q", (("4800", "1600"), ("6200", "2000"), ("3900", "1300"), ("5500", "2100")))),
            L("下班路过小区门口的水果摊，顺手买了{w}斤车厘子，一斤{x}块，老板说抹掉零头，我本来应该付多少钱来着",
              ("w x", (("2.5", "39"), ("1.5", "58"), ("3", "45"), ("2", "66")))),
            H("{fu}", (("2的{k}次方是多少", "2 的 {k} 次方 = {v}。"),),
              ("k v", tuple((str(k), str(2 ** k)) for k in range(8, 17))), ("fu", ("再乘以3呢", "那减去1000呢", "除以8是多少"))),
            H("好的。另外问一下，{a}除以{b}余几？", ONE_COMPLEX, ZC, ("a", DIVIDENDS), ("b", DIVISORS)),
            H("收到。最后算个数：{f1}加{f2}等于多少", SIMPLE_THEN_COMPLEX, ZS, ZC, ("f1", ZH_FRACTIONS), ("f2", ZH_FRACTIONS)),
        ),
        "en": (
            T("What's {n} cubed?", ("n", CUBES)),
            T("2 to the power of {k}?", ("k", POWERS)),
            T("square root of {sq}", ("sq", SQUARES)),
            T("What's the remainder when {a} is divided by {b}?", ("a", DIVIDENDS), ("b", DIVISORS)),
            T("What's {f1} plus {f2}?", ("f1", EN_FRACTIONS), ("f2", EN_FRACTIONS)),
            T("How many minutes from {t1} to {t2}?", ("t1", ("8:45 am", "9:20 am", "10:35 am", "11:50 am")),
              ("t2", ("12:10 pm", "3 pm", "5:30 pm", "7:05 pm"))),
            T("I paid with a ${pay} bill for something that cost ${cost}, how much change?",
              ("pay cost", (("20", "13.45"), ("50", "37.80"), ("100", "64.25"), ("20", "7.99"), ("50", "42.10")))),
            T("If {n} pounds of apples cost ${p}, what's the price per pound?",
              ("n p", (("3", "5.97"), ("4", "7.60"), ("2.5", "6.25"), ("5", "8.45")))),
            T("What's ${price} plus {t}% sales tax?", ("price", ("48", "19.99", "120", "75", "250")),
              ("t", ("6", "7", "8", "8.25", "9.5"))),
            T("I worked {h} hours at ${w} an hour, how much did I make?", ("h", ("7.5", "32", "40", "12", "26")),
              ("w", ("15", "18", "22.50", "31"))),
            T("A recipe for 4 needs {g} grams of flour, how much for {p} people?", ("g", _nums(300, 250, 480, 200)),
              ("p", _nums(6, 2, 10, 3))),
            K("My essay is {done} words and the limit is {lim}, how many words do I have left?",
              ("done lim", (("1,850", "2,500"), ("3,120", "4,000"), ("760", "1,000"), ("2,275", "3,000")))),
            K("The design calls for {k} panels at {w} cm each, what's the total width?", ("k", _nums(6, 8, 12, 15)),
              ("w", ("45", "60", "37.5", "80"))),
            K("My code uses 2 to the {k}, what number is that?", ("k", POWERS)),
            K("My data plan is {gb} GB a month, how much is that per week over 4 weeks?", ("gb", _nums(12, 20, 50, 8))),
            K("Quick sanity check for my proof: is {a} times {b} equal to {c}?",
              ("a b c", (("17", "23", "391"), ("13", "19", "247"), ("29", "31", "899"), ("21", "47", "987")))),
            K("The report says {a} out of {b} people agreed, what percent is that?",
              ("a b", (("45", "60"), ("120", "150"), ("18", "24"), ("330", "400")))),
            L("We're road-tripping to my cousin's wedding this weekend and the car gets about {mpg} miles per gallon on "
              "the highway, and the whole drive there and back is {mi} miles, so how many gallons will we burn?",
              ("mpg", _nums(28, 32, 35, 40)), ("mi", _nums(420, 560, 700, 350))),
            L("I'm knitting a baby blanket for my niece and each row takes about {s} stitches, and the pattern calls for "
              "{r} rows in total, so how many stitches is that altogether?", ("s", _nums(90, 120, 150)),
              ("r", _nums(80, 110, 140))),
            L("My roommate and I split the utilities but she was away for most of the month, so we agreed she pays a "
              "third of the ${bill} bill and I cover the rest. How much do I owe?", ("bill", _nums(144, 210, 189, 96))),
            H("{fu}", (("What's {n} cubed?", "{n}³ = {v}."),),
              ("n v", tuple((str(n), str(n ** 3)) for n in range(3, 13))),
              ("fu", ("And squared?", "Now divide that by 2", "plus 100?"))),
            H("Thanks! Totally different question: what's the square root of {sq}?", ONE_COMPLEX, EC, ("sq", SQUARES)),
            H("Cool. One last thing: {h} hours at ${w} an hour is how much?", SIMPLE_THEN_COMPLEX, ES, EC,
              ("h", ("7.5", "32", "12")), ("w", ("15", "18", "31"))),
        ),
    },
    "chitchat": {
        "zh": (
            T("{riddle}", ("riddle", ("给我出个谜语", "来个脑筋急转弯", "说个绕口令听听", "讲个冷知识", "来玩成语接龙，我先说：一心一意"))),
            T("{about}", ("about", ("你是机器人吗", "你会不会累啊", "你最喜欢什么颜色", "你今年几岁了", "你有朋友吗", "你会做梦吗"))),
            T("{news}{tail}", ("news", ("我升职了", "我考过驾照了", "今天发奖金了", "我终于减下去五斤了", "我们家猫生小猫了")),
              ("tail", ("！", "，开心", "哈哈哈", "！！"))),
            T("{sad}", ("sad", ("我失恋了，好难受", "今天被客户骂哭了", "一个人在外地过年，有点想家", "感觉最近做什么都不顺"))),
            T("{praise}", ("praise", ("夸夸我", "给我点鼓励吧", "说句好听的", "今天你想对我说点什么"))),
            T("刚养了只{pet}，帮它起个名字吧", ("pet", ("橘猫", "柯基", "仓鼠", "小乌龟", "布偶猫"))),
            T("{night}", ("night", ("我睡不着", "饿了，好想吃夜宵", "下雨天适合干点啥", "上班好困啊"))),
            T("猜拳吧，我出{rps}", ("rps", ("石头", "剪刀", "布"))),
            K("我的论文被{venue}接收了{tail}", ("venue", ("期刊", "顶会", "学报")), ("tail", ("！！", "，激动", "！"))),
            K("导师说我的推导一步都没错，{tail}", ("tail", ("开心死了", "太爽了", "终于松口气"))),
            K("你会写代码吗{q}", ("q", ("？", "", "呀"))),
            K("我们组的设计方案拿了{prize}", ("prize", ("一等奖", "金奖", "第一名"))),
            K("今天面试官问我算法题，我居然{res}", ("res", ("答出来了", "全做对了", "一次就过了"))),
            K("你最喜欢哪个算法{tail}", ("tail", ("，哈哈", "？", "呀"))),
            L("今天早上出门发现楼下那只流浪猫生了一窝小猫，一共{k}只，毛茸茸的特别可爱，我蹲在那儿看了半天差点迟到，你说我要不要领养一只？",
              ("k", ("四", "五", "六"))),
            L("我家楼上的邻居每天晚上十一点以后开始{noise}，已经连续一个星期了，我实在忍不了了，先让我吐槽两句，你听我说说好吗",
              ("noise", ("跳绳", "拖椅子", "弹钢琴"))),
            L("刚刚在公交车上有个{kid}给我让座，我都没意识到自己看起来已经像需要让座的人了，哭笑不得，你说我是不是该开心一点",
              ("kid", ("小朋友", "高中生", "小姑娘"))),
            H("{fu}", (("给我出个谜语", "{riddle}"),),
              ("riddle", ("什么东西越洗越脏？猜猜看～", "什么东西有头没有脚？猜猜看～", "什么路最窄？猜猜看～")),
              ("fu", ("哈哈，再来一个", "太难了，换个简单点的", "这个我猜到了，再出一个"))),
            H("{thx}", ONE_COMPLEX, ZC, ("thx", ("懂了懂了，你真是我的救星", "原来如此，今天就先聊到这儿吧", "太感谢啦，我先去吃饭了"))),
            H("今天学到好多，{bye}", SIMPLE_THEN_COMPLEX, ZS, ZC, ("bye", ("晚安啦", "我先撤了", "明天再来找你玩"))),
        ),
        "en": (
            T("{riddle}", ("riddle", ("Give me a riddle", "Tell me a fun fact", "Got a tongue twister for me?",
                                      "Let's play twenty questions", "Tell me something weird about octopuses"))),
            T("{about}", ("about", ("Are you a robot?", "Do you ever get tired?", "What's your favorite color?",
                                    "How old are you?", "Do you have friends?", "Do you dream?"))),
            T("{news}{tail}", ("news", ("I got promoted today", "I passed my driving test", "We just got engaged",
                                        "I finally ran a 5K without stopping", "My cat had kittens")),
              ("tail", ("!", "!!", " :D", ", so happy"))),
            T("{sad}", ("sad", ("My girlfriend broke up with me", "I got yelled at by a customer today",
                                "Spending the holidays alone this year", "Nothing is going right lately"))),
            T("{praise}", ("praise", ("Say something nice about me", "Hype me up", "Give me a pep talk",
                                      "Tell me I'm doing okay"))),
            T("Just adopted a {pet}, help me pick a name", ("pet", ("golden retriever puppy", "tabby kitten", "hamster",
                                                                    "corgi", "bunny"))),
            T("{night}", ("night", ("I can't sleep", "I'm starving and it's midnight",
                                    "What should I do on a rainy Sunday?", "I'm so sleepy at work today"))),
            T("Rock paper scissors, I pick {rps}", ("rps", ("rock", "paper", "scissors"))),
            K("My thesis proof finally checked out{tail}", ("tail", ("!", ", so happy", " :)"))),
            K("Can you write code{q}", ("q", ("?", " lol", "? just curious"))),
            K("Our team's design won {prize} today!", ("prize", ("first place", "the hackathon", "best in show"))),
            K("What's your favorite algorithm{tail}", ("tail", ("?", " lol", "? mine is quicksort"))),
            K("My essay got {grade}!", ("grade", ("an A", "a perfect score", "into the school paper"))),
            K("Just nailed the strategy presentation, {feel}", ("feel", ("feeling great", "I'm on cloud nine",
                                                                         "so relieved"))),
            L("So my neighbor's kid knocked on my door today selling {drink} for a school trip, and it was honestly the "
              "worst {drink} I've ever had, but I bought three cups anyway. Was that silly of me?",
              ("drink", ("lemonade", "iced tea"))),
            L("I finally beat my grandmother at {game} after losing to her every single Sunday for about six years, and "
              "she just laughed and said she let me win. Do you think she did?", ("game", ("chess", "Scrabble",
                                                                                          "checkers"))),
            L("Today a stranger at the coffee shop paid for my {order} without saying a word and just waved on her way "
              "out, and it completely turned my morning around. Isn't that sweet?",
              ("order", ("latte", "breakfast", "cold brew"))),
            H("{fu}", (("Tell me a fun fact", "{fact}"),),
              ("fact", ("Octopuses have three hearts and blue blood.",
                        "Honey never spoils; edible honey has been found in ancient Egyptian tombs.",
                        "Bananas are berries, but strawberries aren't.")),
              ("fu", ("Whoa, really? Another one!", "No way. Tell me one more", "ok that's wild"))),
            H("{thx}", ONE_COMPLEX, EC, ("thx", ("Amazing, that's super helpful. You're the best!",
                                                  "Makes sense now, talk later", "Perfect, I owe you one"))),
            H("I learned a lot today, {bye}", SIMPLE_THEN_COMPLEX, ES, EC, ("bye", ("good night!", "see ya",
                                                                                     "catch you tomorrow"))),
        ),
    },
    "proof_derivation": {
        "zh": (
            T("{task}，我想看完整的来龙去脉，每一步为什么成立都说清楚", ("task", ZH_PROOF_TASKS)),
            T("明天组会要讲，帮我{task}，写成能直接上黑板的样子", ("task", ZH_PROOF_TASKS)),
            T("{task}，中间用到的引理也一起证一下，别跳过", ("task", ZH_PROOF_TASKS)),
            T("你能{task}吗？我自己推到一半就卡住了，想知道是哪里想错了", ("task", ZH_PROOF_TASKS)),
            S("{st}", ("st", ZH_PROOF_SHORT + ZH_PROOF_SHORT_Q)),
            S("求助，{st}", ("st", ZH_PROOF_SHORT)),
            S("{st}，在线等", ("st", ZH_PROOF_SHORT)),
            P("{q}", ("q", ZH_PROOF_PLAIN)),
            P("我儿子问我：{q}我答不上来", ("q", ZH_PROOF_PLAIN)),
            P("{q}想要从头讲清楚的那种", ("q", ZH_PROOF_PLAIN)),
            H("对了，想请教一下：{task}，过程写详细点", ONE_SIMPLE, ZS, ("task", ZH_PROOF_TASKS)),
            H("{tf}", ONE_THREAD, ("tu ta tf", ZH_PROOF_THREADS)),
            H("{tf}", SIMPLE_THEN_THREAD, ZS, ("tu ta tf", ZH_PROOF_THREADS)),
        ),
        "en": (
            T("{Task}, and explain the one clever idea that makes it work.", ("task", EN_PROOF_TASKS)),
            T("I have to present this tomorrow: {task}. Give me something I can put on a whiteboard.",
              ("task", EN_PROOF_TASKS)),
            T("Could you {task}, including any lemmas you need along the way?", ("task", EN_PROOF_TASKS)),
            T("{Task}; I got halfway on my own and got stuck.", ("task", EN_PROOF_TASKS)),
            S("{St}.", ("st", EN_PROOF_SHORT)),
            S("{st} pls", ("st", EN_PROOF_SHORT)),
            S("{q}", ("q", EN_PROOF_SHORT_Q)),
            P("{q}", ("q", EN_PROOF_PLAIN)),
            P("My kid asked me this and I was stumped: {q}", ("q", EN_PROOF_PLAIN)),
            P("{q} I want the actual reasoning, not a slogan.", ("q", EN_PROOF_PLAIN)),
            H("Also, could you {task}? Show all the steps.", ONE_SIMPLE, ES, ("task", EN_PROOF_TASKS)),
            H("{tf}", ONE_THREAD, ("tu ta tf", EN_PROOF_THREADS)),
            H("{tf}", SIMPLE_THEN_THREAD, ES, ("tu ta tf", EN_PROOF_THREADS)),
        ),
    },
    "long_analysis": {
        "zh": (
            T("{task}，写成一篇三千字左右的深度稿", ("task", ZH_ANALYSIS_TASKS)),
            T("{task}，分成背景、原因、影响、对策四部分", ("task", ZH_ANALYSIS_TASKS)),
            T("假设你是咨询顾问，{task}，写给管理层看", ("task", ZH_ANALYSIS_TASKS)),
            T("{task}，尽量引用公开数据", ("task", ZH_ANALYSIS_TASKS)),
            S("{st}", ("st", ZH_ANALYSIS_SHORT)),
            S("说说，{st}", ("st", ("分析下宜家在中国为啥不温不火", "为什么中超老是亏钱？", "柯达为什么会倒掉？", "写篇三千字的黄牛调查"))),
            P("{q}", ("q", ZH_ANALYSIS_PLAIN)),
            P("最近看新闻一直想不明白：{q}", ("q", ZH_ANALYSIS_PLAIN)),
            P("{q}展开说说，要有理有据", ("q", ZH_ANALYSIS_PLAIN)),
            P("{w}", ("w", ZH_WRITING_PLAIN)),
            P("{w}，语言朴实一点，别煽情", ("w", ZH_WRITING_PLAIN)),
            H("顺便问个大问题：{q}", ONE_SIMPLE, ZS, ("q", ZH_ANALYSIS_PLAIN)),
            H("{tf}", ONE_THREAD, ("tu ta tf", ZH_ANALYSIS_THREADS)),
            H("{tf}", SIMPLE_THEN_THREAD, ZS, ("tu ta tf", ZH_ANALYSIS_THREADS)),
        ),
        "en": (
            T("{Task}, in roughly 3,000 words with section headings.", ("task", EN_ANALYSIS_TASKS)),
            T("{Task}. Structure it as background, causes, consequences and what should change.",
              ("task", EN_ANALYSIS_TASKS)),
            T("Put on your consultant hat and {task} for a board audience.", ("task", EN_ANALYSIS_TASKS)),
            T("{Task}, citing public data where you can.", ("task", EN_ANALYSIS_TASKS)),
            S("{st}", ("st", EN_ANALYSIS_SHORT)),
            S("Honest take: {st}", ("st", EN_ANALYSIS_SHORT[1:5])),
            P("{q}", ("q", EN_ANALYSIS_PLAIN)),
            P("{q} Dig into the real causes, not the headlines.", ("q", EN_ANALYSIS_PLAIN)),
            P("Been reading about this all week: {q}", ("q", EN_ANALYSIS_PLAIN)),
            P("{w}", ("w", EN_WRITING_PLAIN)),
            P("{w} Keep the language plain, no melodrama.", ("w", EN_WRITING_PLAIN)),
            H("Switching topics, a big one: {q}", ONE_SIMPLE, ES, ("q", EN_ANALYSIS_PLAIN)),
            H("{tf}", ONE_THREAD, ("tu ta tf", EN_ANALYSIS_THREADS)),
            H("{tf}", SIMPLE_THEN_THREAD, ES, ("tu ta tf", EN_ANALYSIS_THREADS)),
        ),
    },
    "planning": {
        "zh": (
            T("帮我{task}，按周列出来，每一步写清楚谁来做", ("task", ZH_PLAN_TASKS)),
            T("{task}，再列出最可能出问题的三个环节和应对办法", ("task", ZH_PLAN_TASKS)),
            T("想请你{task}，钱和时间都要算得实在一点", ("task", ZH_PLAN_TASKS)),
            T("{task}，最好能打印出来贴在冰箱上照着做", ("task", ZH_PLAN_TASKS)),
            S("{st}", ("st", ZH_PLAN_SHORT)),
            S("{st}，急", ("st", ZH_PLAN_SHORT[1:6])),
            P("{q}", ("q", ZH_PLAN_PLAIN)),
            P("头大，{q}", ("q", ZH_PLAN_PLAIN)),
            P("{q}帮我从头捋一遍", ("q", ZH_PLAN_PLAIN)),
            H("好，那帮我把下周四到周六在{city}的三天排一下，我爸腿脚不方便，每天别超过五千步",
              (("{city}下周天气怎么样", "正在为你查询{city}下周的天气。"),), ("city", ("泉州", "洛阳", "桂林", "烟台"))),
            H("{tf}", ONE_THREAD, ("tu ta tf", ZH_PLAN_THREADS)),
            H("{tf}", SIMPLE_THEN_THREAD, ZS, ("tu ta tf", ZH_PLAN_THREADS)),
        ),
        "en": (
            T("{Task}, week by week, with who does what.", ("task", EN_PLAN_TASKS)),
            T("Please {task} and flag the three things most likely to go wrong.", ("task", EN_PLAN_TASKS)),
            T("Could you {task}? Keep it realistic about money and time.", ("task", EN_PLAN_TASKS)),
            T("{Task}; lay it out so I can print it and stick it on the fridge.", ("task", EN_PLAN_TASKS)),
            S("{st}", ("st", EN_PLAN_SHORT)),
            S("help: {st}", ("st", EN_PLAN_SHORT[:4])),
            P("{q}", ("q", EN_PLAN_PLAIN)),
            P("Need a hand here. {q}", ("q", EN_PLAN_PLAIN)),
            P("{q} Walk me through it from the start.", ("q", EN_PLAN_PLAIN)),
            H("Okay. Then work out our three days in {city} from Thursday to Saturday; my dad can't walk more than a "
              "couple of miles a day.",
              (("What's the weather in {city} next week?", "Checking next week's forecast for {city}."),),
              ("city", ("Lisbon", "Kyoto", "Halifax", "Nashville"))),
            H("{tf}", ONE_THREAD, ("tu ta tf", EN_PLAN_THREADS)),
            H("{tf}", SIMPLE_THEN_THREAD, ES, ("tu ta tf", EN_PLAN_THREADS)),
        ),
    },
    "coding": {
        "zh": (
            T("{task}，给出完整代码并说明关键的设计", ("task", ZH_CODE_TASKS)),
            T("{task}，要带测试，代码能直接跑", ("task", ZH_CODE_TASKS)),
            T("我在准备面试：{task}，代码写完再讲讲关键的取舍", ("task", ZH_CODE_TASKS)),
            T("{task}，先讲设计思路再给代码", ("task", ZH_CODE_TASKS)),
            S("{st}", ("st", ZH_CODE_SHORT)),
            S("{st}，带测试", ("st", ZH_CODE_SHORT[:5])),
            P("{q}", ("q", ZH_CODE_PLAIN)),
            P("{q}能讲到原理层面最好", ("q", ZH_CODE_PLAIN)),
            P("线上出问题了，{q}", ("q", ZH_CODE_PLAIN[:4])),
            H("好，开始干活：{task}，代码要完整能跑", ONE_SIMPLE, ZS, ("task", ZH_CODE_TASKS)),
            H("{tf}", ONE_THREAD, ("tu ta tf", ZH_CODE_THREADS)),
            H("{tf}", SIMPLE_THEN_THREAD, ZS, ("tu ta tf", ZH_CODE_THREADS)),
        ),
        "en": (
            T("{Task} — full code plus a short design note.", ("task", EN_CODE_TASKS)),
            T("{Task}, with tests; the code should run as is.", ("task", EN_CODE_TASKS)),
            T("Interview practice: {task}, then talk me through the trade-offs in your design.", ("task", EN_CODE_TASKS)),
            T("{Task}. Explain the design before the code.", ("task", EN_CODE_TASKS)),
            S("{st}", ("st", EN_CODE_SHORT)),
            S("quick one: {st}", ("st", EN_CODE_SHORT[:4])),
            P("{q}", ("q", EN_CODE_PLAIN)),
            P("{q} Show me the actual fix, not just theory.", ("q", EN_CODE_PLAIN[:4])),
            P("Production is on fire. {q}", ("q", EN_CODE_PLAIN[:4])),
            H("Okay, work time: {task}, with complete, runnable code.", ONE_SIMPLE, ES, ("task", EN_CODE_TASKS)),
            H("{tf}", ONE_THREAD, ("tu ta tf", EN_CODE_THREADS)),
            H("{tf}", SIMPLE_THEN_THREAD, ES, ("tu ta tf", EN_CODE_THREADS)),
        ),
    },
}


