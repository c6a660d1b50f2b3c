#!/usr/bin/env python3
"""Generate the document-shape fixtures in tests/data/shapes/files/ and self-check them.

All content is invented for testing; it is shaped after the annual work materials
(工作材料 / 工作总结 / 述职报告) that 街道办 / 乡镇 科室 send in.

Usage:
    python3 tests/data/shapes/make_shapes.py          # write files, then run the self-check
    python3 tests/data/shapes/make_shapes.py --check  # only run the self-check

Output is deterministic: docx core properties and zip member dates are fixed,
PDFs are written with reportlab ``invariant=1``.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "files")
EXPECTED = os.path.join(HERE, "expected.yaml")

FIXED_DT = _dt.datetime(2024, 1, 8, 9, 0, 0)
ZIP_DT = (2024, 1, 8, 9, 0, 0)

# --------------------------------------------------------------------------------------
# Plain-text documents: name -> (encoding, newline, lines)
# encoding "utf-8-sig" writes a UTF-8 BOM; "utf-16" writes a BOM (little endian).
# --------------------------------------------------------------------------------------

TXT: dict[str, tuple[str, str, list[str]]] = {}

# 1. title + flat "1." list
TXT["01_dangjian_flat_list.txt"] = ("utf-8", "\n", [
    "青石街道党建办2023年工作总结",
    "1.全年召开党工委理论学习中心组学习会12次，开展专题研讨4次。",
    "2.完成18个社区“两委”成员履职评议，评议覆盖率100%。",
    "3.举办党员冬训班3期，培训党员1260人次。",
    "4.新发展党员23名，转正预备党员19名。",
    "5.排查整顿软弱涣散基层党组织2个，已全部销号。",
    "6.建成“红色驿站”党群服务点7个，服务群众4.6万人次。",
    "7.开展“在职党员进社区”活动，报到党员**人，认领微心愿356个。",
    "8.拨付社区党组织服务群众专项经费162万元。",
    "9.组织“七一”走访慰问老党员、困难党员215人，发放慰问金10.75万元。",
    "10.下一步将持续推进“网格+党建”融合，力争新建小区党支部覆盖率达到95%以上。",
])

# 2. 一、 sections, （一） single-sentence items, a 1./2. sub-list, a plain paragraph section
TXT["02_jigongwei_sections.txt"] = ("utf-8", "\n", [
    "青石街道纪工委2023年工作总结",
    "",
    "一、压紧压实管党治党政治责任",
    "（一）召开党风廉政建设工作会议2次，签订党风廉政建设责任书46份。",
    "（二）开展节前警示教育5次，覆盖党员干部680人次。",
    "（三）对12个社区党组织书记开展廉政谈话，谈话对象达135人。",
    "二、强化监督执纪问责",
    "（一）受理信访举报件27件，办结25件，办结率92.6%。",
    "（二）深化专项整治",
    "1.整治群众身边不正之风和腐败问题，查处问题线索8条。",
    "2.开展农村集体“三资”专项检查，督促整改问题**个。",
    "3.清理规范社区小微权力事项清单，梳理权力事项41项。",
    "（三）立案审查9件，给予党纪政务处分9人，运用第一种形态处理31人次。",
    "三、存在问题及下步打算",
    "一年来，街道纪检监察工作取得了一定成效，但仍存在基层监督力量薄弱、专业能力不足等问题。"
    "全年社区纪检委员参加业务培训仅2次，培训覆盖面不到60%。"
    "2024年，街道纪工委将聚焦“一把手”和领导班子监督，计划开展专项监督检查不少于4轮，推动全面从严治党向基层延伸。",
])

# 3. 1、 and （1） markers, full-width １．, one item continuing on the next line
TXT["03_pingan_mixed_markers.txt"] = ("utf-8", "\n", [
    "柳林镇平安办主任2023年度述职报告",
    "",
    "各位领导、同志们：",
    "　　2023年，本人在镇党委、政府的领导下，认真履行平安建设工作职责，现将履职情况报告如下。",
    "1、矛盾纠纷排查化解",
    "（1）全年排查矛盾纠纷412件，成功化解398件，化解率96.6%。",
    "（2）组织开展“三调联动”联合调解23次，",
    "涉及土地流转、邻里纠纷等领域，挽回群众经济损失86万元。",
    "（3）及时处置群体性上访苗头*起，全年未发生越级上访事件。",
    "2、社会治安防控",
    "（1）新增高清视频监控点位64个，村级监控覆盖率达100%。",
    "（2）组织平安巡防队夜间巡逻1260余次。",
    "（3）协助派出所破获盗窃案件17起，抓获犯罪嫌疑人21人。",
    "3、特殊人群服务管理",
    "１．落实社区矫正对象帮教措施，在册矫正对象38人，无脱管漏管。",
    "２．走访严重精神障碍患者家庭**户，发放监护补贴4.3万元。",
    "３．对刑满释放人员开展衔接帮扶，衔接率100%。",
    "4、个人廉洁自律情况",
    "本人严格遵守中央八项规定精神，全年未发生违规违纪行为。",
])

# 4a. GBK, CRLF (Windows Notepad style); title without 总结/报告
TXT["04_minzheng_gbk.txt"] = ("gbk", "\r\n", [
    "柳林镇民政办2023年工作材料",
    "一、社会救助",
    "（一）全镇在册低保对象312户526人，累计发放低保金438.6万元。",
    "（二）在册特困供养人员87人，其中集中供养29人。",
    "（三）实施临时救助146人次，发放临时救助金31.2万元。",
    "二、养老服务",
    "（一）建成村级互助养老点9个，镇级养老服务中心1个。",
    "（二）为80周岁以上老人发放高龄津贴，惠及老人2036人。",
    "（三）开展独居老人探视巡访**人次。",
    "三、社会事务",
    "（一）发放残疾人两项补贴，惠及残疾人684人。",
    "（二）持续推进殡葬改革，全镇火化率保持100%。",
    "（三）完成地名普查成果转化，设置地名标志牌58块。",
])

# 4b. GB18030 with one character (U+365F, CJK Ext. A) that GBK cannot encode
TXT["05_chengguan_gb18030.txt"] = ("gb18030", "\r\n", [
    "青石街道城管科2023年工作总结",
    "一、市容环境整治",
    "1.清理“牛皮癣”小广告2.3万处，规范店招店牌418块。",
    "2.完成\u365f头社区等背街小巷改造5条，新增停车泊位620个。",
    "3.整治沿街晾晒、乱堆乱放问题1540起。",
    "二、违法建设治理",
    "1.拆除存量违法建设39处，拆除面积8600平方米。",
    "2.新增违建实现“零增长”，巡查发现并制止新建违建苗头*处。",
    "三、执法规范化建设",
    "1.办理一般程序案件57件，罚没款12.8万元。",
    "2.组织执法人员业务培训6场，参训**人次。",
])

# 4c. UTF-16 with BOM, CRLF; 1、/（1） shape
TXT["06_jingfa_utf16.txt"] = ("utf-16", "\r\n", [
    "柳林镇经发办2023年工作总结",
    "1、招商引资",
    "（1）全年签约招商项目14个，协议总投资27.5亿元。",
    "（2）新开工亿元以上项目5个，竣工投产3个。",
    "2、企业服务",
    "（1）走访规上企业63家次，帮助解决用工、融资等问题41个。",
    "（2）协助企业申报各级惠企资金**万元。",
    "3、统计工作",
    "（1）完成第五次全国经济普查单位清查1926个。",
    "（2）规上工业总产值完成52.4亿元，同比增长7.8%。",
])

# 4d. UTF-8 with BOM; flat list
TXT["07_yingji_utf8bom.txt"] = ("utf-8-sig", "\n", [
    "青石街道应急办2023年安全生产工作总结",
    "1.开展安全生产大检查大整治，检查企业和场所1284家次。",
    "2.发现并督促整改安全隐患2057处，整改率99.6%。",
    "3.对38家重点企业实行“一企一策”包保监管。",
    "4.组织消防、防汛等应急演练21场，参演群众3400余人次。",
    "5.排查经营性自建房**栋，对存在安全隐患的17栋落实管控措施。",
    "6.全年辖区未发生较大及以上生产安全事故。",
])

# 12a. no title line at all: starts directly with 一、
TXT["16_no_title.txt"] = ("utf-8", "\n", [
    "一、党建工作",
    "（一）召开镇党委会议专题研究党建工作11次。",
    "（二）开展“书记讲党课”活动，镇村两级书记讲党课42场。",
    "二、纪检工作",
    "（一）开展节前廉政提醒5次，发送廉政提醒短信**条。",
    "（二）查处违反中央八项规定精神问题2起，处理3人。",
    "三、平安建设",
    "（一）调处各类矛盾纠纷186件，调处成功率97.8%。",
    "（二）开展反诈宣传进村入户活动64场。",
])

# 12b. title line without 总结/报告; 一、 headings each followed by a short paragraph
TXT["17_minsheng_shishi.txt"] = ("utf-8", "\n", [
    "2023年青石街道民生实事完成情况",
    "一、老旧小区改造",
    "完成6个老旧小区综合改造，惠及居民1423户，总投资3860万元。",
    "二、既有住宅加装电梯",
    "全年新增既有住宅加装电梯28部，其中已投入使用21部。",
    "三、“一老一小”服务",
    "新建社区嵌入式托育点2个，提供托位80个。新建老年助餐点5个，累计助餐**万人次。",
    "四、便民设施建设",
    "新增便民停车位450个、电动自行车充电桩120个。",
    "五、就业帮扶",
    "举办线下招聘会12场，帮助就业困难人员实现就业216人。",
])

# 5. markdown
MD_NAME = "08_wenming_headings.md"
MD_LINES = [
    "# 柳林镇宣传文化站2023年工作总结",
    "",
    "## 一、理论宣传",
    "",
    "- 开展党的二十大精神宣讲76场，受众5200余人次。",
    "- 组建“田间课堂”理论宣讲队4支。",
    "",
    "## 二、文明创建",
    "",
    "1. 评选“星级文明户”312户、“好婆婆好媳妇”48人。",
    "2. 开展新时代文明实践志愿服务活动193场，参与志愿者**人次。",
    "3. 指导13个村完成移风易俗村规民约修订。",
    "",
    "## 三、文化惠民",
    "",
    "- 送戏下乡演出24场，放映公益电影156场。",
    "- 农家书屋新增图书3800册。",
    "",
    "## 四、下步打算",
    "",
    "2024年将继续深化新时代文明实践所站建设，计划打造示范站点3个。",
]

# --------------------------------------------------------------------------------------
# docx documents
# --------------------------------------------------------------------------------------

# 6. built-in list styles (auto numbering, numbers not typed)
DOCX09 = ("09_dangjian_builtin_numbering.docx", "柳林镇党建办2023年工作述职报告", [
    ("List Number", "基层组织建设"),
    ("List Number 2", "完成19个村党组织书记抓基层党建述职评议。"),
    ("List Number 2", "整顿提升后进村党组织3个。"),
    ("List Number 2", "新建“两新”组织党支部8个，党组织覆盖率达到86%。"),
    ("List Number", "党员教育管理"),
    ("List Number 2", "举办党员冬训班5期，培训党员2140人次。"),
    ("List Number 2", "发展党员31名，其中35岁以下青年党员占74%。"),
    ("List Number 2", "排查失联党员*名，已全部取得联系。"),
    ("List Number", "人才队伍建设"),
    ("List Bullet 2", "选派12名优秀年轻干部到村任职。"),
    ("List Bullet 2", "储备村级后备力量**名。"),
    ("List Bullet 2", "组织村干部参加学历提升报名46人。"),
    ("List Number", "下步工作打算"),
    ("List Bullet", "计划新建党群服务中心示范点3个。"),
    ("List Bullet", "力争2024年所有村集体经营性收入达到15万元以上。"),
])

# 7. custom multi-level numbering: (ilvl, text)
DOCX10 = ("10_minzheng_multilevel.docx", "青石街道民政办2023年工作总结", [
    (0, "社会救助兜底保障"),
    (1, "落实最低生活保障制度"),
    (2, "全街道在册低保对象186户291人。"),
    (2, "全年累计发放低保金247.3万元。"),
    (1, "开展困难群众走访慰问，走访困难群众**户。"),
    (1, "实施临时救助63人次，发放救助金14.8万元。"),
    (0, "养老服务体系建设"),
    (1, "新建社区日间照料中心2个，总床位达到120张。"),
    (1, "推进居家养老上门服务"),
    (2, "为辖区460名特殊困难老人提供上门服务。"),
    (2, "全年上门服务时长累计2.1万小时。"),
    (0, "基层治理与社区建设"),
    (1, "完成8个社区居委会换届选举，选民参选率91.4%。"),
    (1, "培育社区社会组织37个，开展公益活动*场。"),
])

# 8. table with header row
DOCX11 = {
    "name": "11_chengguan_table.docx",
    "title": "柳林镇城管科2023年度工作总结",
    "before": [
        ("p", "2023年，柳林镇城管科围绕集镇环境提升目标，全年共出动执法人员4860人次，各项工作完成情况如下。"),
        ("h", "一、主要工作完成情况"),
    ],
    "table": [
        ["项目", "数量", "备注"],
        ["违章建筑拆除", "47处", "拆除面积1.2万平方米"],
        ["占道经营整治", "326起", "劝离流动摊贩**人次"],
        ["垃圾分类宣传", "58场", "覆盖居民9400户"],
        ["农村人居环境整治", "15个村", "清理积存垃圾1860吨"],
        ["数字城管案件办结", "2143件", "结案率98.7%"],
    ],
    "after": [
        ("h", "二、存在问题"),
        ("p", "集镇农贸市场周边占道经营反弹较快，常态长效管理机制仍需完善。"),
        ("h", "三、下步打算"),
        ("p", "计划2024年新建集镇公共停车场1处，增设停车泊位200个。"),
    ],
}

# 9a. two-column label|value table without header row
DOCX12 = {
    "name": "12_jingfa_kv_table.docx",
    "title": "青石街道经发办2023年主要经济指标完成情况",
    "before": [
        ("p", "根据区统计局反馈数据，现将我街道2023年主要经济指标完成情况汇报如下："),
    ],
    "table": [
        ["地区生产总值", "38.6亿元，同比增长6.2%"],
        ["一般公共预算收入", "2.14亿元，完成年度目标的103%"],
        ["固定资产投资", "15.3亿元"],
        ["新招引亿元以上项目", "6个"],
        ["新增市场主体", "1187户"],
        ["规上工业企业", "42家"],
    ],
    "after": [
        ("p", "全年经济运行总体平稳，但受市场需求不足影响，限上批发零售业销售额同比下降3.4%。"
              "2024年将力争新招引亿元以上项目不少于8个。"),
    ],
}

# 9b. title in the Title style, sections in Heading 1
DOCX13 = {
    "name": "13_jiwei_title_style.docx",
    "title": "柳林镇纪委书记2023年度述职述廉报告",
    "body": [
        ("p", "按照县纪委监委统一安排，现将本人2023年度履职情况报告如下。"),
        ("h", "一、履行监督责任情况"),
        ("p", "全年参加镇党委会议研究党风廉政建设工作6次，列席村级“三务”公开会议28次。"
              "对镇属7个站所开展日常监督检查14轮，发现问题22个，已全部整改到位。"),
        ("h", "二、执纪审查情况"),
        ("p", "全年受理信访举报19件，初核问题线索11件，立案7件，结案7件。"
              "给予党纪处分6人、政务处分2人，其中处分村“两委”干部**人。"),
        ("h", "三、廉洁自律情况"),
        ("p", "本人严格执行廉洁从政各项规定，全年未收受任何礼品礼金。按规定报告个人有关事项1次。"),
        ("h", "四、存在不足和努力方向"),
        ("p", "监督方式仍较单一，运用大数据开展监督不足。下一步将对19个村开展巡察式监督，实现全覆盖。"),
    ],
}

# --------------------------------------------------------------------------------------
# PDFs
# --------------------------------------------------------------------------------------

# 10. numbered list, some items wrap
PDF14 = ("14_nongye_list.pdf", "柳林镇农业农村办2023年工作总结", [
    "全年粮食播种面积8.6万亩，总产量3.9万吨，完成县下达目标任务。",
    "新建高标准农田1.2万亩，配套建设灌溉泵站6座、机耕路14.5公里，项目总投资1680万元，已通过县级验收。",
    "落实耕地地力保护补贴资金596万元，惠及农户7830户。",
    "培育家庭农场42家、农民专业合作社17家，其中省级示范社2家。",
    "发展壮大村级集体经济，全镇19个村集体经营性收入全部超过10万元，其中超过50万元的村达到5个，较上年增加2个。",
    "开展农村人居环境整治村庄清洁行动38次，改造农村户厕**户。",
    "巩固拓展脱贫攻坚成果，对脱贫户和监测户开展动态排查3轮，新识别纳入监测对象*户，均已落实帮扶措施，全年无返贫致贫现象发生。",
    "完成非洲猪瘟等重大动物疫病强制免疫，免疫密度达100%。",
])

# 11. short report: 一、 headings and paragraphs
PDF15 = ("15_pingan_report.pdf", "青石街道平安办2023年工作报告", [
    ("h", "一、基本情况"),
    ("p", "2023年，街道平安办紧紧围绕“平安青石”建设目标，扎实推进社会治安综合治理各项工作。"
          "全年街道刑事警情同比下降18.3%，群众安全感满意度达到97.2%。"),
    ("h", "二、主要工作"),
    ("p", "一是深化网格化管理。全街道划分综治网格136个，配备专职网格员142名，全年采集上报各类事件9461件，办结率99.1%。"
          "二是加强矛盾纠纷调处。依托街道矛调中心受理矛盾纠纷**件，调处成功率98.2%。"
          "三是强化重点群体管控。落实“一人一档”管理措施，开展重点人员走访1180人次。"),
    ("h", "三、存在问题"),
    ("p", "部分老旧小区技防设施不足，仍有11个开放式小区未实现视频监控全覆盖。"),
    ("h", "四、下步打算"),
    ("p", "2024年计划新增高清视频监控点位300个，推动开放式小区技防全覆盖。"),
])


# ======================================================================================
# writers
# ======================================================================================

def write_txt(name: str, enc: str, nl: str, lines: list[str]) -> None:
    data = nl.join(lines) + nl
    # "utf-16": little endian with BOM regardless of the host byte order
    raw = b"\xff\xfe" + data.encode("utf-16-le") if enc == "utf-16" else data.encode(enc)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(raw)


def write_md() -> None:
    with open(os.path.join(OUT, MD_NAME), "wb") as f:
        f.write(("\n".join(MD_LINES) + "\n").encode("utf-8"))


def _docx_new():
    import docx
    d = docx.Document()
    cp = d.core_properties
    cp.author = ""
    cp.last_modified_by = ""
    cp.comments = ""
    cp.title = ""
    cp.revision = 1
    cp.created = FIXED_DT
    cp.modified = FIXED_DT
    cp.last_printed = FIXED_DT
    return d


def _cn_font(run, name: str, size_pt: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    rfonts.set(qn("w:eastAsia"), name)
    if size_pt:
        run.font.size = Pt(size_pt)
    if bold:
        run.bold = True


def _title_para(d, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _cn_font(p.add_run(text), "方正小标宋简体", 22)


def _body_para(d, text: str, indent: bool = True):
    from docx.shared import Pt
    p = d.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)
    _cn_font(p.add_run(text), "仿宋_GB2312", 16)
    return p


def _bold_heading_para(d, text: str):
    from docx.shared import Pt
    p = d.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    _cn_font(p.add_run(text), "黑体", 16)
    return p


def _save_docx(d, name: str) -> None:
    """Save with fixed zip member dates and order so the bytes are stable."""
    buf = io.BytesIO()
    d.save(buf)
    buf.seek(0)
    src = zipfile.ZipFile(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DT)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, src.read(info.filename))
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(out.getvalue())


def write_docx09() -> None:
    name, title, items = DOCX09
    d = _docx_new()
    _title_para(d, title)
    for style, text in items:
        p = d.add_paragraph(style=style)
        _cn_font(p.add_run(text), "仿宋_GB2312", 16)
    _save_docx(d, name)


ABSTRACT_ID = 90
NUM_ID = 90


def _add_multilevel_numbering(d) -> int:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    numbering = d.part.numbering_part.element
    levels = [
        # ilvl, numFmt, lvlText, left, hanging
        (0, "chineseCounting", "%1、", 640, 640),
        (1, "chineseCounting", "（%2）", 1280, 640),
        (2, "decimal", "%3.", 1600, 320),
    ]
    lvl_xml = "".join(
        f'<w:lvl w:ilvl="{i}">'
        f'<w:start w:val="1"/>'
        f'<w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{txt}"/>'
        f'<w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{left}" w:hanging="{hang}"/></w:pPr>'
        f'</w:lvl>'
        for i, fmt, txt, left, hang in levels
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{ABSTRACT_ID}">'
        f'<w:multiLevelType w:val="multilevel"/>{lvl_xml}</w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{NUM_ID}"><w:abstractNumId w:val="{ABSTRACT_ID}"/></w:num>'
    )
    numbering.append(num)
    return NUM_ID


def _attach_num(p, num_id: int, ilvl: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    ppr = p._p.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    il = OxmlElement("w:ilvl")
    il.set(qn("w:val"), str(ilvl))
    ni = OxmlElement("w:numId")
    ni.set(qn("w:val"), str(num_id))
    numpr.append(il)
    numpr.append(ni)
    ppr.append(numpr)


def write_docx10() -> None:
    name, title, items = DOCX10
    d = _docx_new()
    num_id = _add_multilevel_numbering(d)
    _title_para(d, title)
    fonts = {0: "黑体", 1: "楷体_GB2312", 2: "仿宋_GB2312"}
    for ilvl, text in items:
        p = d.add_paragraph()
        _attach_num(p, num_id, ilvl)
        _cn_font(p.add_run(text), fonts[ilvl], 16)
    _save_docx(d, name)


def _table(d, rows: list[list[str]], header: bool) -> None:
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, val in enumerate(row):
            cell = t.cell(r, c)
            para = cell.paragraphs[0]
            _cn_font(para.add_run(val), "黑体" if (header and r == 0) else "仿宋_GB2312", 14,
                     bold=(header and r == 0))


def _blocks(d, blocks) -> None:
    for kind, text in blocks:
        if kind == "h":
            _bold_heading_para(d, text)
        else:
            _body_para(d, text)


def _write_table_docx(spec: dict, header: bool) -> None:
    d = _docx_new()
    _title_para(d, spec["title"])
    _blocks(d, spec["before"])
    _table(d, spec["table"], header=header)
    _blocks(d, spec["after"])
    _save_docx(d, spec["name"])


def write_docx11() -> None:
    _write_table_docx(DOCX11, header=True)


def write_docx12() -> None:
    _write_table_docx(DOCX12, header=False)


def write_docx13() -> None:
    spec = DOCX13
    d = _docx_new()
    d.add_paragraph(spec["title"], style="Title")
    for kind, text in spec["body"]:
        if kind == "h":
            d.add_paragraph(text, style="Heading 1")
        else:
            _body_para(d, text)
    _save_docx(d, spec["name"])


# ---- PDF -------------------------------------------------------------------------------

_FONT = None
_NO_LINE_START = set("，。、；：！？）》”’%")


def _pdf_font() -> str:
    """Register an embeddable CJK TrueType font, else fall back to the STSong-Light CID font."""
    global _FONT
    if _FONT:
        return _FONT
    from reportlab.pdfbase import pdfmetrics
    candidates = [
        ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
        ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
        ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
        ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ]
    for path, idx in candidates:
        if os.path.exists(path):
            try:
                from reportlab.pdfbase.ttfonts import TTFont
                pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=idx))
                _FONT = "CJK"
                return _FONT
            except Exception:
                pass
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    _FONT = "STSong-Light"
    return _FONT


def wrap_cjk(text: str, font: str, size: float, width: float, first_width: float | None = None) -> list[str]:
    """Greedy character wrap; closing punctuation never starts a line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    lines, cur = [], ""
    limit = first_width if first_width is not None else width
    # runs of Latin letters/digits (e.g. 1680, 99.1%, **) are never split, as in Word
    for ch in re.findall(r"[0-9A-Za-z.%*]+|.", text):
        if cur and stringWidth(cur + ch, font, size) > limit and ch[0] not in _NO_LINE_START:
            lines.append(cur)
            cur = ""
            limit = width
        cur += ch
    if cur:
        lines.append(cur)
    return lines


PDF_LAYOUT: dict[str, list[str]] = {}  # name -> lines as drawn (for reporting)


def _pdf_titled_page(name: str, title: str):
    """A byte-stable A4 canvas with the title drawn centred; returns (canvas, font, y below the title, page width)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    font = _pdf_font()
    w, h = A4
    c = canvas.Canvas(os.path.join(OUT, name), pagesize=A4, invariant=1)
    c.setFont(font, 18)
    c.drawCentredString(w / 2, h - 90, title)
    return c, font, h - 130, w


def write_pdf14() -> None:
    name, title, items = PDF14
    c, font, y, w = _pdf_titled_page(name, title)
    size, lead = 14, 24
    left, right = 72, w - 72
    text_x = left + 24
    drawn = [title]
    for i, item in enumerate(items, 1):
        c.setFont(font, size)
        c.drawString(left, y, f"{i}.")
        for j, line in enumerate(wrap_cjk(item, font, size, right - text_x)):
            c.drawString(text_x, y, line)
            drawn.append((f"{i}." if j == 0 else "  ") + "|" + line)
            y -= lead
        y -= 4
    c.showPage()
    c.save()
    PDF_LAYOUT[name] = drawn


def write_pdf15() -> None:
    name, title, blocks = PDF15
    c, font, y, w = _pdf_titled_page(name, title)
    size, lead = 14, 24
    left, right = 72, w - 72
    drawn = [title]
    for kind, text in blocks:
        c.setFont(font, size)
        if kind == "h":
            y -= 4
            c.drawString(left, y, text)
            drawn.append(text)
            y -= lead
            continue
        lines = wrap_cjk(text, font, size, right - left, first_width=right - left - 2 * size)
        for j, line in enumerate(lines):
            x = left + (2 * size if j == 0 else 0)
            c.drawString(x, y, line)
            drawn.append(("　　" if j == 0 else "") + line)
            y -= lead
    c.showPage()
    c.save()
    PDF_LAYOUT[name] = drawn


def generate() -> None:
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for name, (enc, nl, lines) in TXT.items():
        write_txt(name, enc, nl, lines)
    write_md()
    write_docx09()
    write_docx10()
    write_docx11()
    write_docx12()
    write_docx13()
    write_pdf14()
    write_pdf15()


# ======================================================================================
# self-check
# ======================================================================================

_NUM_PREFIX = re.compile(
    r"^\s*(?:#+\s*)?(?:[-*]\s+)?"
    r"(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、]\s*|（\d+）|[０-９]+．)?"
)


def _strip_number(s: str) -> str:
    return _NUM_PREFIX.sub("", s, count=1).strip()


def _read_units(rel: str):
    """Return (units, rows, title_candidates).

    units: list of (kind, text) in reading order, kind in {"line", "heading", "cell"};
    rows: list of table rows (cell texts), for docx only.
    """
    path = os.path.join(HERE, rel)
    name = os.path.basename(rel)
    units: list[tuple[str, str]] = []
    rows: list[list[str]] = []
    if name.endswith(".txt") or name.endswith(".md"):
        raw = open(path, "rb").read()
        enc = TXT[name][0] if name in TXT else "utf-8"
        if enc == "utf-8-sig":
            assert raw.startswith(b"\xef\xbb\xbf"), "missing UTF-8 BOM"
        if enc == "utf-16":
            assert raw[:2] in (b"\xff\xfe", b"\xfe\xff"), "missing UTF-16 BOM"
        if enc == "gb18030":
            try:
                raw.decode("gbk")
                raise AssertionError("gb18030 file is decodable as GBK; expected a GB18030-only char")
            except UnicodeDecodeError:
                pass
        text = raw.decode(enc)
        if text.startswith("\ufeff"):
            text = text[1:]
        for line in text.splitlines():
            if line.strip():
                units.append(("line", line.strip().lstrip("#").strip()))
    elif name.endswith(".docx"):
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
        d = docx.Document(path)
        body = d.element.body
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                t = Paragraph(child, d).text.strip()
                if t:
                    units.append(("line", t))
            elif tag == "tbl":
                tbl = Table(child, d)
                for r in tbl.rows:
                    cells = [c.text.strip() for c in r.cells]
                    rows.append(cells)
                    for c in cells:
                        units.append(("cell", c))
    elif name.endswith(".pdf"):
        spec = PDF14 if name == PDF14[0] else PDF15
        units.append(("line", spec[1]))
        if spec is PDF14:
            for it in spec[2]:
                units.append(("line", it))
        else:
            for _, t in spec[2]:
                units.append(("line", t))
    else:
        raise AssertionError(f"unknown file type {rel}")
    return units, rows


def _pdftotext_flat(path: str) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode("utf-8"))


_YEAR = re.compile(r"20\d\d年(?:度)?")


def _needs_fact(sentence: str) -> bool:
    s = _YEAR.sub("", sentence)
    return bool(re.search(r"[0-9０-９*]", s))


def check() -> None:
    import yaml
    with open(EXPECTED, encoding="utf-8") as f:
        entries = yaml.safe_load(f)
    assert isinstance(entries, list) and entries, "expected.yaml must be a non-empty list"
    listed = {e["file"] for e in entries}
    on_disk = {"files/" + n for n in os.listdir(OUT)}
    assert listed == on_disk, f"expected.yaml / files mismatch: {sorted(listed ^ on_disk)}"
    n_facts = n_rows = 0
    problems: list[str] = []
    for e in entries:
        rel = e["file"]
        units, rows = _read_units(rel)
        texts = [t for _, t in units]
        # title
        title = e.get("title")
        if title is not None:
            if texts[0] != title:
                problems.append(f"{rel}: title {title!r} is not the first line {texts[0]!r}")
        facts = e.get("facts") or []
        for fact in facts:
            n_facts += 1
            t = fact["text"]
            if not (8 <= len(t) <= 25):
                problems.append(f"{rel}: fact length {len(t)} outside 8..25: {t!r}")
            hits = [i for i, u in enumerate(texts) if t in u]
            if not hits:
                problems.append(f"{rel}: fact not found: {t!r}")
                continue
            under = fact.get("under")
            if under is not None:
                idx = hits[0]
                heads = [i for i in range(idx) if _strip_number(texts[i]) == under]
                if not heads:
                    problems.append(f"{rel}: under {under!r} is not an earlier line for {t!r}")
        for row in e.get("rows") or []:
            n_rows += 1
            if [str(c) for c in row] not in rows:
                problems.append(f"{rel}: row not found as a table row: {row}")
        # coverage: every sentence with a figure (or a mask) carries a fact snippet
        fact_texts = [f["text"] for f in facts]
        row_cells = {str(c) for r in (e.get("rows") or []) for c in r}
        for kind, u in units:
            if u == title:
                continue
            if kind == "cell":
                if _needs_fact(u) and u not in row_cells:
                    problems.append(f"{rel}: table cell with a figure not in rows: {u!r}")
                continue
            for sent in re.split(r"(?<=[。；])", _strip_number(u)):
                if sent.strip() and _needs_fact(sent) and not any(ft in sent for ft in fact_texts):
                    problems.append(f"{rel}: sentence with a figure has no fact: {sent!r}")
        # PDFs: the snippets must also survive real text extraction (line breaks removed)
        if rel.endswith(".pdf"):
            flat = _pdftotext_flat(os.path.join(HERE, rel))
            if flat is not None:
                for ft in fact_texts:
                    if ft not in flat:
                        problems.append(f"{rel}: fact not in pdftotext output: {ft!r}")
                if title and title not in flat:
                    problems.append(f"{rel}: title not in pdftotext output")
    if problems:
        print("SELF-CHECK FAILED:")
        for p in problems:
            print("  -", p)
        sys.exit(1)
    print(f"self-check ok: {len(entries)} files, {n_facts} facts, {n_rows} rows")


def main(argv: list[str]) -> None:
    if "--check" not in argv:
        generate()
        print(f"wrote {len(os.listdir(OUT))} files to {OUT}")
        if "--layout" in argv:
            for name, lines in PDF_LAYOUT.items():
                print(f"--- {name}")
                for ln in lines:
                    print("   ", ln)
    if os.path.exists(EXPECTED):
        check()
    else:
        print("expected.yaml missing; self-check skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
