from pathlib import Path

import pytest

from etl.furniture import drop_furniture, furniture_lines, load_rules, parse_rules

RULES = load_rules(Path(__file__).resolve().parent.parent / "data" / "lexicons" / "furniture.txt")


@pytest.mark.parametrize("line, reason", [
    ("当前版：06版 上一版 下一版", "epaper_nav"),
    ("上一篇  下一篇", "epaper_nav"),
    ("上一篇：振华街道开展秋季防火安全检查", "epaper_nav"),
    ("2023年04月13日 星期四", "epaper_nav"),
    ("< 2023年05月 >", "date_picker"),
    ("日一二三四五六", "date_picker"),
    ("14151617181920", "date_picker"),
    ("大同晚报数字报", "masthead"),
    ("乌兰察布市集宁区人民政府", "masthead"),
    ("您的位置：首页 > 政务动态 > 县区动态", "breadcrumb"),
    ("山西新闻网 > 地市频道 > 大同", "breadcrumb"),
    ("首页 | 走进集宁 | 政务动态 | 信息公开", "menu"),
    ("首页  政务动态  信息公开  政务服务", "menu"),
    ("主办单位：大同市人民政府办公室", "footer"),
    ("蒙ICP备09002576号-1  蒙公网安备 15090202000013号", "footer"),
    ("郑重声明：本文版权归原作者所有，转载文章仅为传播更多信息之目的。", "footer"),
    ("【打印本页】 【关闭窗口】", "footer"),
    ("原创 平城融媒 平城发布 2023年04月12日 18:46 山西", "wechat"),
    ("点击蓝字关注我们", "wechat"),
    ("微信图片_20240418152207", "image_name"),
    ("编辑：刘畅  审核：孙立新", "meta"),
    ("2024-11-20 14:08  来源：平城区融媒体中心", "meta"),
    ("发布时间：2024-05-29  来源：平城区人民政府网站  【字体：大 中 小】", "meta"),
    ("索引号：11140200MB1234567/2024-00123", "meta"),
    ("· 云州区：反诈宣传走进田间地头", "related_list"),
    # page header lines: the issue's date standing apart among page names and numbers
    ("2024年8月16日　星期五　　　　平城周刊　　　　　　3", "page_header"),
    ("大同日报　　区县新闻　　2024年10月30日　星期三　　第6版", "page_header"),
    ("2024年12月03日 星期二　农历甲辰年十一月初三", "page_header"),
    ("2023年09月28日", "page_header"),
    ("« 上一期　下一期 »", "epaper_nav"),
    ("版面概览：A01 A02 A03 A04", "epaper_nav"),
    ("大同日报数字报刊平台", "masthead"),
    ("北京日报客户端 | 记者 孙颖", "masthead"),
    ("首页 >> 政务动态 >> 街道动态", "breadcrumb"),
    ("首页 > 图片新闻", "breadcrumb"),
    ("首页　走进平城　政务公开　政务服务　互动交流", "menu"),
    ("标　　题：	平城区民政局做好冬季救助工作", "meta"),
    ("有 效 性：	有效", "meta"),
    ("原标题：开源街道民悦社区打造“15分钟便民生活圈”", "meta"),
    ("一审：杨帆  二审：李建国  三审：王志强", "meta"),
    ("供稿 | 富力社区", "meta"),
    ("【免责声明】本文仅代表作者本人观点，与本网无关。", "footer"),
    ("特别声明：以上内容为自媒体平台用户上传并发布，本平台仅提供信息存储服务。", "footer"),
    ("Notice: The content above is uploaded and posted by a user.", "footer"),
    ("本文来自网易号“云冈融媒”，作者：云冈区融媒体中心", "footer"),
    ("举报/反馈", "footer"),
    ("扫一扫在手机打开当前页", "footer"),
    ("魅力卧虎湾  2024-07-22 18:40  山西", "wechat"),
    ("↑ 点击上方蓝字“平城共青团”关注我们", "wechat"),
    ("点击“阅读原文”，了解更多", "wechat"),
    ("- END -", "wechat"),
    ("长按识别二维码 关注我们", "wechat"),
    ("关注", "wechat"),
    ("平城区融媒体中心官方账号，传递平城声音，讲好平城故事。", "wechat"),
    ("图片", "image_name"),
    ("▼", "image_name"),
    ("▲志愿者为老人们端上热腾腾的饺子", "caption"),
    ("返回搜狐，查看更多", "footer"),
    ("阅读 (1523)", "footer"),
    ("澎湃新闻·澎湃号·政务 > 平城发布", "breadcrumb"),
    ("图｜新悦社区", "meta"),
    ("预览时标签不可点", "wechat"),
    ("继续滑动看下一个", "wechat"),
    ("视频 小程序 赞 ，轻点两下取消赞 在看 ，轻点两下取消在看", "wechat"),
    ("喜欢就点个在看吧", "wechat"),
    ("阅读 1.2万", "footer"),
    ("撰稿：王五", "meta"),
    ("本期编辑 | 李四", "meta"),
    ("打印本页 关闭窗口", "footer"),
    ("【我要纠错】", "footer"),
    ("[返回]", "footer"),
    ("扫描二维码在手机上查看", "footer"),
    ("访问量：1234", "footer"),
    ("第三版 综合新闻", "epaper_nav"),
    ("A3 平城新闻", "epaper_nav"),
    ("附件下载：", "meta"),
])
def test_furniture_line(line, reason):
    assert furniture_lines([line], RULES) == {0: reason}


@pytest.mark.parametrize("line", [
    "义诊进社区 专家到身边",
    "开源街道民悦社区：反诈情景剧“演”进居民心坎里",
    "本报讯（记者 冯晨曦 通讯员 李敏）4月11日上午，市五医院组织12名医护人员走进鼓楼社区。",
    "活动现场，医护人员为居民免费测量血压、血糖。",
    "（记者 温海涛 通讯员 吕佳）",
    "本报记者 任鹏飞",
    "社区里的“3·15”",
    "来源于群众的意见，社区一一记下。",
    "2024年5月12日，平城区开展防灾减灾宣传活动。",
    "平城区2024年春季招聘会举行",
    "留言板上写满了居民的心愿。",
    "返回家乡 建设家乡",
    "第三届邻里节开幕",
    "关注老人健康 义诊送到家门口",
    "▲活动现场，志愿者为老人端上热腾腾的饺子，老人们围坐在一起，吃得格外香甜，不少人还跟着哼起了小曲。",
])
def test_article_text_is_kept(line):
    assert furniture_lines([line], RULES) == {}


def test_a_list_header_takes_its_items_up_to_the_blank_line():
    lines = ["标题导航", "义诊进社区 专家到身边", "雁塔社区：健康义诊暖民心", "",
             "义诊进社区 专家到身边", "本报讯 4月12日，古城街道雁塔社区开展义诊活动。"]
    assert furniture_lines(lines, RULES) == {0: "page_list", 1: "page_list", 2: "page_list"}


def test_a_list_ends_at_body_text():
    lines = ["往期推荐", "平城区召开安全生产工作会议", "活动现场，医护人员为居民免费测量血压。"]
    assert sorted(furniture_lines(lines, RULES)) == [0, 1]


def test_a_blank_line_right_after_the_header_does_not_end_the_list():
    lines = ["相关新闻", "", "大同市开展“反诈进万家”集中宣传", "云州区：反诈宣传走进田间地头"]
    assert sorted(furniture_lines(lines, RULES)) == [0, 2, 3]


def test_dropped_lines_are_kept_with_their_reason():
    text = "大同晚报数字报\n当前版：06版 上一版 下一版\n\n义诊进社区\n本报讯 4月12日，雁塔社区开展义诊。\n"
    kept, dropped = drop_furniture(text, RULES)
    assert kept.split("\n")[3:5] == ["义诊进社区", "本报讯 4月12日，雁塔社区开展义诊。"]
    assert [(d.line, d.reason) for d in dropped] == [(0, "masthead"), (1, "epaper_nav")]
    assert dropped[0].as_dict() == {"line": 1, "text": "大同晚报数字报", "reason": "masthead"}


def test_rules_are_read_from_data():
    rules = parse_rules(["# comment", "", r"line test_reason ^foo\s+bar$"])
    assert furniture_lines(["foo  bar", "foo"], rules) == {0: "test_reason"}
    with pytest.raises(ValueError):
        parse_rules(["drop ^x"])


@pytest.mark.parametrize("line, reason", [
    ("（下转第3版）", "continuation"), ("(上接第1版)", "continuation"),
    ("平城新闻 05", "page_header"), ("5  走近平城  责任编辑：苏敏", "page_header"),
])
def test_continuation_markers_and_page_headers(line, reason):
    assert furniture_lines([line], RULES) == {0: reason}


def test_a_headline_with_a_number_is_kept():
    assert furniture_lines(["18个街道入户排查1.3万余户"], RULES) == {}


def test_a_wechat_post_header_is_furniture(kb):
    from etl.furniture import furniture_lines
    lines = ["平城发布 2025年03月19日 18:30 山西", "春风送岗 就业暖心｜街道举办专场招聘会"]
    assert furniture_lines(lines, kb.furniture) == {0: "wechat"}


def test_government_page_metadata_and_share_buttons_are_furniture(kb):
    from etl.furniture import furniture_lines
    lines = ["发文日期：2024-11-14", "时间：2024-11-14 16:02 来源：区民政局 字号：大 中 小", "分享到：",
             "时间：11月12日，社区开展活动。"]
    assert furniture_lines(lines, kb.furniture) == {0: "meta", 1: "meta", 2: "footer"}


def test_a_reposted_posts_account_card_is_furniture():
    lines = ["以下文章来源于平城融媒 ，作者平城融媒", "平城融媒.", "平城区融媒体中心官方账号，讲好平城故事。", "",
             "本月12日中午，武定街道举行“百家宴”。"]
    assert sorted(furniture_lines(lines, RULES)) == [0, 1, 2]


def test_a_wechat_back_issue_list_is_furniture():
    lines = ["往期回顾", "平城区：“一老一小”服务圈越织越密", "卧虎湾街道：冬季供暖“暖心”服务到家"]
    assert sorted(furniture_lines(lines, RULES)) == [0, 1, 2]


def test_a_wechat_accounts_name_printed_alone_is_furniture():
    lines = ["云冈发布", "元宵喜乐会 邻里一家亲", "云冈发布  2025年02月14日 19:02  山西", "2月12日晚，社区举办元宵喜乐会。"]
    assert furniture_lines(lines, RULES) == {0: "wechat", 2: "wechat"}


def test_a_site_and_section_breadcrumb_is_a_short_line():
    """The site-name breadcrumb (大同新闻网 > 平城) has two open runs of characters; bounded to a
    short line, a long paragraph full of 网 and 号 is never backtracked through (etl bench's
    worst case `furniture_words_lines`)."""
    short = "澎湃新闻·澎湃号·政务 > 平城发布"
    assert furniture_lines([short], RULES) == {0: "breadcrumb"}
    long = "新闻网号" * 60 + " > 平城发布"
    assert furniture_lines([long], RULES) == {}
