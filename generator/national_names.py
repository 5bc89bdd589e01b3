"""Names at the frequencies of the whole country, for benchmarks at national scale.

The regional generator (`people.py`) draws given names from about forty characters per
gender and ten era names, and middle-dot names from eighty combinations: on purpose, so that
the region's catalogues are full of namesakes for the merge and the citizen's view to tell
apart. Over a million people that makes the commonest names hundreds of times more common
than they are: one person in 2,500 would be a 王建国, thirty thousand people would share
eighty Uyghur names. At national scale that is not the world a record locator routes in.

`NationalNames` draws:
- the surname from the hundred commonest of the 2020 census at their shares (about 86 % of
  people; 王 7.1 %, 李 6.9 %, 张 6.4 % ...) and, for the rest, from a hundred further
  surnames at 0.05-0.15 % each;
- the given name, of one character (15-30 % of people, most in the 1970s-80s) or two, each
  character drawn from about 150 characters per gender by a Zipf law with offset
  (weight 1 / (rank + 10)): the commonest character is about 3 % of the draws, so that the
  commonest full names come out near what the census reports (张伟, the commonest, about
  0.02 % of people: one in 5,000);
- for 1 % of people, a middle-dot name (Uyghur, Kazakh ...) from 40 given names and 40
  fathers' names.

The figures are approximate (public summaries of the 2020 census and name reports, not the
microdata); what matters for routing is the shape: a few names shared by one person in
several thousand, and a long tail shared by a handful.
"""

from __future__ import annotations

import itertools
import random

# the hundred commonest surnames with their approximate share of the population, in percent
SURNAME_SHARES: tuple[tuple[str, float], ...] = tuple(
    (surname, float(share)) for surname, share in (pair.split(":") for pair in (
        "王:7.12 李:6.94 张:6.41 刘:5.38 陈:4.53 杨:3.08 黄:2.23 赵:2.14 吴:2.02 周:1.93 "
        "徐:1.65 孙:1.53 马:1.46 朱:1.39 胡:1.31 郭:1.15 何:1.13 林:1.12 高:1.08 罗:0.98 "
        "郑:0.84 梁:0.83 谢:0.76 宋:0.68 唐:0.67 韩:0.64 冯:0.62 于:0.62 董:0.61 肖:0.58 "
        "程:0.57 曹:0.57 袁:0.54 邓:0.54 许:0.53 傅:0.51 沈:0.50 曾:0.49 彭:0.48 吕:0.47 "
        "苏:0.47 卢:0.47 蒋:0.46 蔡:0.45 贾:0.44 丁:0.42 魏:0.41 薛:0.40 叶:0.40 阎:0.39 "
        "余:0.39 潘:0.38 杜:0.38 戴:0.37 夏:0.36 钟:0.36 汪:0.35 田:0.35 任:0.34 姜:0.33 "
        "范:0.32 方:0.32 石:0.31 姚:0.30 谭:0.30 廖:0.29 邹:0.28 熊:0.27 金:0.27 陆:0.26 "
        "郝:0.26 孔:0.25 白:0.25 崔:0.25 康:0.24 毛:0.24 邱:0.24 秦:0.23 江:0.23 史:0.22 "
        "顾:0.22 侯:0.22 邵:0.21 孟:0.21 龙:0.21 万:0.20 段:0.20 雷:0.19 钱:0.19 汤:0.19 "
        "尹:0.18 黎:0.18 易:0.18 常:0.18 武:0.17 乔:0.17 贺:0.17 赖:0.16 龚:0.16 文:0.16"
    ).split()))
# a hundred further surnames, sharing what the hundred above leave, most to the first
FURTHER_SURNAMES = (
    "庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂丛焦向柳邢路岳齐沿梅莫庄辛管祝左涂谷"
    "祁时舒耿牟卜詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮"
    "桂闵欧解强柴华车冉房边"
)
MALE_CHARACTERS = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建亮成国峰东文海洋志江兵博"
    "晨毅彬新坤锋威良春光荣庆云学永长祥富元中德福贵忠清勤昊天翔宏鸿豪铭晖睿哲远瑞祺泽润恒达"
    "航胜兴振嘉庭晓峻松柏柯楠斐瀚卓卫武力钢铁仁义礼智信诚毅坚敬奇扬猛彪虎豹雄才俊杭锐捷晟"
    "智渊源鹤鸣麟骏驰骁騫腾朗"
)
FEMALE_CHARACTERS = (
    "芳娜敏静丽艳娟霞燕玲婷秀英红兰萍梅琳雪倩颖慧莉丹晶琴云洁玉凤月桂珍蓉薇悦璐瑶琪佳欣怡"
    "婧媛嫣妍娇媚婉姗姝娴婕嫦娥菲菊莲荷芬芝芸茜莎蕾蕊蓓萱茹苗青翠碧霜露虹彩丝素珊瑜瑾璇琼"
    "瑛璐环珠宝贝爱思梦馨香心惠淑贞洁雅韵楠彤冰清晴晓春秋夏冬姣妮娅蓓媛嘉宁安乐欢喜美丽娴"
    "妙婵姣嫚婧"
)
MIDDLE_DOT_GIVEN = (
    "阿依古丽 古丽娜尔 热依汗 帕提古丽 买买提 艾力 阿不都 吐尔洪 阿西 吉克 努尔 艾合买提 "
    "阿布拉 迪丽拜尔 古丽扎尔 玛依拉 热娜 阿孜古丽 米娜 祖丽皮亚 艾尼瓦尔 亚森 吾斯曼 肉孜 "
    "库尔班 依明 卡德尔 赛买提 托合提 阿里木 巴合提 叶尔兰 哈力木 居马 马合木提 努尔兰 "
    "阿依努尔 古丽 巴图 乌兰"
).split()
MIDDLE_DOT_FATHER = (
    "买买提 艾山 吐尔逊 阿不都拉 热合曼 玉素甫 木呷 阿依 托乎提 依布拉音 沙比提 吾买尔 "
    "阿布都热依木 肉孜 艾则孜 克里木 卡斯木 司马义 哈斯木 阿木提 努尔 亚生 吐尔地 阿西木 "
    "塔依尔 外力 赛迪 苏来曼 吾守尔 赛来 巴拉提 居来提 吐逊 阿力木 铁木尔 加帕尔 库尔班 "
    "海力力 牙合甫 马木提"
).split()
MIDDLE_DOT_SHARE = 0.01
ZIPF_OFFSET = 10


def _zipf(count: int) -> list[float]:
    return [1 / (rank + ZIPF_OFFSET) for rank in range(1, count + 1)]


def _single_character_share(birth_year: int) -> float:
    """How many people of a birth year have a one-character given name."""
    if birth_year < 1950:
        return 0.15
    if birth_year < 1970:
        return 0.2
    if birth_year < 1990:
        return 0.3
    return 0.15


class NationalNames:
    """Draws names at national frequencies from `rng`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        listed = sum(share for _, share in SURNAME_SHARES)
        listed_names = [surname for surname, _ in SURNAME_SHARES]
        further_names = [surname for surname in dict.fromkeys(FURTHER_SURNAMES)
                         if surname not in listed_names]
        further = _zipf(len(further_names))
        scale = (100 - listed) / sum(further)
        self._surnames = listed_names + further_names
        self._surname_weights = list(itertools.accumulate(
            [share for _, share in SURNAME_SHARES] + [w * scale for w in further]))
        self._characters = {gender: (list(dict.fromkeys(chars)),
                                     list(itertools.accumulate(_zipf(len(set(chars))))))
                            for gender, chars in (("M", MALE_CHARACTERS),
                                                  ("F", FEMALE_CHARACTERS))}

    def name(self, gender: str, birth_year: int) -> str:
        rng = self.rng
        if rng.random() < MIDDLE_DOT_SHARE:
            return f"{rng.choice(MIDDLE_DOT_GIVEN)}·{rng.choice(MIDDLE_DOT_FATHER)}"
        surname = rng.choices(self._surnames, cum_weights=self._surname_weights)[0]
        characters, weights = self._characters["M" if gender == "M" else "F"]
        length = 1 if rng.random() < _single_character_share(birth_year) else 2
        return surname + "".join(rng.choices(characters, cum_weights=weights, k=length))
