"""Demo outreach content in Chinese and English, drawn from 新密政〔2012〕17号. Fictional, privacy-safe."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

P = "paragraph"


def rt(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


PROGRAMME = {
    "slug": "about",
    "zh": {
        "title": "什么是社区矫正",
        "summary": "社区矫正是非监禁刑罚执行方式，在社会力量协助下促进社区矫正对象顺利回归社会。",
        "intro": rt(
            "社区矫正是非监禁刑罚执行方式，是指将符合法定条件的罪犯置于社区内，由专门的国家机关在相关社会团体、民间组织和社会志愿者的协助下，在刑事判决、裁定或决定的服刑期限内，矫正其犯罪心理和行为恶习，促进其顺利回归社会的非监禁刑罚执行活动。"
        ),
        "body": [
            ("heading", {"text": "为什么重要", "level": "h2"}),
            (
                P,
                rt(
                    "把不需要、不适宜监禁的罪犯放到社区里，充分利用社会力量有针对性地实施矫正，有利于贯彻宽严相济的刑事政策，降低刑罚执行成本，提高刑罚执行效率，维护社会和谐稳定。"
                ),
            ),
            (
                "quote",
                {"text": "最大限度地增加和谐因素，最大限度地减少不和谐因素。", "attribution": "新密政〔2012〕17号"},
            ),
            (
                "steps",
                {
                    "title": "工作怎样开展",
                    "steps": [
                        {
                            "title": "接收与入矫宣告",
                            "description": "司法所依法接收社区矫正对象，组织入矫宣告，建立矫正小组。",
                        },
                        {"title": "教育矫正", "description": "思想教育、法制教育、社会公德教育，公益劳动和心理矫正。"},
                        {
                            "title": "监督管理",
                            "description": "报到、会客、请销假、迁居等管控措施，分类矫正，日常考核。",
                        },
                        {"title": "帮困扶助", "description": "低保、责任田、免费职业技能培训和就业指导。"},
                        {"title": "解除矫正", "description": "矫正期满，依法解除矫正，顺利回归社会。"},
                    ],
                },
            ),
        ],
    },
    "en": {
        "title": "What is community corrections",
        "summary": "Community corrections is a non-custodial way of serving a sentence, helping people return to society with the community's support.",
        "intro": rt(
            "Community corrections is a non-custodial way of carrying out a sentence: people who meet the legal conditions serve it in the community, where specialised state bodies, helped by social organisations, civil groups and volunteers, correct criminal attitudes and harmful habits during the sentence and help them return to society."
        ),
        "body": [
            ("heading", {"text": "Why it matters", "level": "h2"}),
            (
                P,
                rt(
                    "Serving in the community those who need not or should not be imprisoned, and drawing on society's strengths to correct them, applies the policy of tempering justice with mercy, lowers the cost and raises the efficiency of sentences, and keeps society harmonious and stable."
                ),
            ),
            (
                "quote",
                {
                    "text": "Increase the factors of harmony as far as possible; reduce the factors of discord as far as possible.",
                    "attribution": "Xinmi Government Document No. 17 (2012)",
                },
            ),
            (
                "steps",
                {
                    "title": "How the work is done",
                    "steps": [
                        {
                            "title": "Intake and induction",
                            "description": "The judicial office receives the person, holds the induction announcement and forms a correction team.",
                        },
                        {
                            "title": "Education and correction",
                            "description": "Civic, legal and moral education, public-interest labour and psychological counselling.",
                        },
                        {
                            "title": "Supervision",
                            "description": "Check-ins, visitors, leave and relocation rules, classified correction, daily assessment.",
                        },
                        {
                            "title": "Help and support",
                            "description": "Minimum living allowance, responsibility farmland, free vocational training and job guidance.",
                        },
                        {
                            "title": "Release",
                            "description": "When the term ends, correction is lifted by law and the person returns to society.",
                        },
                    ],
                },
            ),
        ],
    },
}

PROGRAMME_CHILDREN = [
    {
        "slug": "education",
        "zh": {
            "title": "教育矫正",
            "summary": "思想教育、法制教育、社会公德教育，公益劳动与心理矫正。",
            "intro": rt("采取多种形式，加强对社区矫正对象的思想教育、法制教育、社会公德教育。"),
            "body": [
                (
                    P,
                    rt(
                        "组织有劳动能力的社区矫正对象参加公益劳动，增强其认罪悔罪意识，提高社会责任感。",
                        "加强心理矫正工作，进行心理健康教育，提供心理咨询和心理矫正，矫正不良心理和行为恶习，促使社区矫正对象顺利融入社会，成为守法公民。",
                    ),
                ),
            ],
        },
        "en": {
            "title": "Education and correction",
            "summary": "Civic, legal and moral education; public-interest labour; psychological counselling.",
            "intro": rt("Civic, legal and social-morality education in many forms."),
            "body": [
                (
                    P,
                    rt(
                        "Those able to work take part in public-interest labour, which strengthens their acceptance of responsibility and their sense of duty to society.",
                        "Psychological counselling and mental-health education help correct harmful attitudes and habits, so that people rejoin society as law-abiding citizens.",
                    ),
                ),
            ],
        },
    },
    {
        "slug": "supervision",
        "zh": {
            "title": "监督管理",
            "summary": "依法执行报到、会客、请销假、迁居、禁止令等管控措施，避免脱管、漏管。",
            "intro": rt(
                "按照刑法、刑事诉讼法等有关法律、法规和规章的规定，加强对社区矫正对象的管理和监督，确保刑罚的顺利实施。"
            ),
            "body": [
                (
                    P,
                    rt(
                        "建立社区矫正评估体系，根据不同犯罪类型和风险等级实行分类矫正。依法执行报到、会客、请销假、迁居、政治权利行使限制、适用禁止令等管控措施，避免脱管、漏管，防止重新违法犯罪。",
                        "健全考核奖惩制度，建立日常考核与司法奖惩的衔接机制；鼓励运用信息通讯等技术手段，创新监督管理方法。",
                    ),
                ),
            ],
        },
        "en": {
            "title": "Supervision",
            "summary": "Check-ins, visitors, leave, relocation and prohibition orders, so that no one is lost from supervision.",
            "intro": rt(
                "Supervision follows the Criminal Law, the Criminal Procedure Law and related regulations, so that sentences are carried out as ordered."
            ),
            "body": [
                (
                    P,
                    rt(
                        "An assessment system classifies people by offence type and risk level. Check-ins, visitors, leave and return, relocation, limits on political rights and prohibition orders are enforced so that no one is lost from supervision or missed at intake, and reoffending is prevented.",
                        "Daily assessment is linked to rewards and sanctions, and information technology is used to supervise better.",
                    ),
                ),
            ],
        },
    },
    {
        "slug": "help-and-support",
        "zh": {
            "title": "帮困扶助",
            "summary": "低保、责任田、免费职业技能培训和就业指导，解决就业、就学、生活、法律、心理等困难。",
            "intro": rt(
                "积极协调有关部门，将符合最低生活保障条件的社区矫正对象纳入最低生活保障范围，为符合条件的农村籍社区矫正对象落实责任田。"
            ),
            "body": [
                (
                    P,
                    rt(
                        "整合社会资源和力量，为社区矫正对象提供免费职业技能培训和就业指导，提高就业谋生能力，解决就业、就学、生活、法律、心理等方面的困难和问题。"
                    ),
                ),
                (
                    "call_to_action",
                    {
                        "title": "为社区矫正对象提供岗位或培训",
                        "text": "用人单位和培训机构可以在服务目录中登记服务。",
                        "link_url": "/directory/",
                        "link_label": "查看服务目录",
                    },
                ),
            ],
        },
        "en": {
            "title": "Help and support",
            "summary": "Minimum living allowance, responsibility farmland, free vocational training and job guidance; help with jobs, schooling, daily life, legal and psychological difficulties.",
            "intro": rt(
                "Relevant departments bring those who qualify into the minimum living allowance, and rural supervisees who qualify receive responsibility farmland."
            ),
            "body": [
                (
                    P,
                    rt(
                        "Social resources are pooled to give free vocational training and job guidance, so people can earn a living, and to solve difficulties with work, schooling, daily life, legal matters and mental health."
                    ),
                ),
                (
                    "call_to_action",
                    {
                        "title": "Offer a job or a training place",
                        "text": "Employers and training providers can list their services in the directory.",
                        "link_url": "/en/directory/",
                        "link_label": "See the service directory",
                    },
                ),
            ],
        },
    },
    {
        "slug": "team",
        "zh": {
            "title": "矫正工作队伍",
            "summary": "司法所工作人员、社会工作者和社区矫正志愿者组成专群结合的队伍。",
            "intro": rt("社区矫正工作者由司法所工作人员、社会工作者和社区矫正志愿者组成。"),
            "body": [
                (
                    P,
                    rt(
                        "每个司法所至少有1名专职社区矫正工作人员。鼓励采用政府购买服务的方式，为每个社区矫正机构配备社会工作者。积极组建社区矫正志愿者队伍，协助司法所工作人员对矫正对象实施矫正，并加强队伍培训。"
                    ),
                ),
                (
                    "call_to_action",
                    {
                        "title": "加入志愿者队伍",
                        "text": "经过审核和培训，您也可以成为社区矫正志愿者。",
                        "link_url": "/volunteer/",
                        "link_label": "了解如何成为志愿者",
                    },
                ),
            ],
        },
        "en": {
            "title": "The correction team",
            "summary": "Judicial-office staff, social workers and community-corrections volunteers working together.",
            "intro": rt(
                "Community corrections workers are judicial-office staff, social workers and community-corrections volunteers."
            ),
            "body": [
                (
                    P,
                    rt(
                        "Every judicial office has at least one full-time community-corrections officer. Social workers are funded through government-purchased services, and volunteer teams help judicial-office staff with correction. Every member of the team is trained."
                    ),
                ),
                (
                    "call_to_action",
                    {
                        "title": "Join the volunteers",
                        "text": "After vetting and training, you too can volunteer in community corrections.",
                        "link_url": "/en/volunteer/",
                        "link_label": "How to become a volunteer",
                    },
                ),
            ],
        },
    },
    {
        "slug": "organisation",
        "zh": {
            "title": "组织领导",
            "summary": "政府统一领导，司法行政部门牵头组织，相关部门协调配合，司法所具体实施，社会力量广泛参与。",
            "intro": rt(
                "社区矫正工作是一项综合性很强的工作，必须始终坚持政府统一领导，司法行政部门牵头组织，相关部门协调配合，司法所具体实施，社会力量广泛参与的领导体制和工作机制。"
            ),
            "body": [
                (
                    P,
                    rt(
                        "建立社区矫正工作领导小组联席会议制度，研究解决重大问题；认真组织督促检查，确保各项任务和政策措施落到实处。",
                        "建立经费全额保障制度，将工作人员经费、行政运行经费、办案业务经费、业务装备经费纳入财政年度预算。",
                    ),
                ),
            ],
        },
        "en": {
            "title": "Organisation and leadership",
            "summary": "Led by the government, organised by the justice bureau, coordinated across departments, carried out by judicial offices, with broad participation of society.",
            "intro": rt(
                "Community corrections is broad work: the government leads, the justice administration organises, departments coordinate, judicial offices carry it out, and society takes part."
            ),
            "body": [
                (
                    P,
                    rt(
                        "A leading group holds joint meetings to solve major problems, and inspections make sure every task and policy is carried out.",
                        "Funding is guaranteed in full: staff, running costs, casework and equipment are in the annual budget.",
                    ),
                ),
            ],
        },
    },
]

NEWS_INDEX = {
    "slug": "news",
    "zh": {
        "title": "新闻与故事",
        "summary": "社区矫正工作的新闻、好做法、好经验、好典型。",
        "intro": rt("宣传社区矫正工作的好做法、好经验、好典型。所有故事发布前均经过隐私审核。"),
    },
    "en": {
        "title": "News and stories",
        "summary": "News, good practices and good examples of community corrections.",
        "intro": rt(
            "Good practices and good examples of community corrections. Every story is privacy-reviewed before it is published."
        ),
    },
}

NEWS = [
    {
        "slug": "joint-meeting-2026",
        "kind": "news",
        "date": datetime.date(2026, 9, 18),
        "tags": {"zh": ["联席会议"], "en": ["joint meeting"]},
        "zh": {
            "title": "市社区矫正工作领导小组召开联席会议",
            "summary": "会议听取了各乡镇司法所工作汇报，研究部署帮困扶助和志愿者培训工作。",
            "body": [
                (
                    P,
                    rt(
                        "市社区矫正工作领导小组召开年度联席会议，市司法局、民政局、人社局等部门参加。会议听取了各司法所的工作汇报，研究解决职业技能培训名额和低保衔接等问题，部署下一阶段志愿者培训工作。"
                    ),
                )
            ],
        },
        "en": {
            "title": "City leading group holds its joint meeting",
            "summary": "The meeting heard reports from the judicial offices and planned help, support and volunteer training.",
            "body": [
                (
                    P,
                    rt(
                        "The city's community-corrections leading group held its annual joint meeting with the justice bureau, civil affairs and human-resources departments. It heard the judicial offices' reports, solved questions about training places and minimum living allowance, and planned the next round of volunteer training."
                    ),
                )
            ],
        },
    },
    {
        "slug": "vocational-training-story",
        "kind": "story",
        "date": datetime.date(2026, 10, 9),
        "tags": {"zh": ["好做法", "职业技能培训"], "en": ["good practice", "vocational training"]},
        "zh": {
            "title": "好做法：免费职业技能培训帮助重新就业",
            "summary": "司法所与培训机构合作，开设面点、电工等免费培训班，结业学员多数找到工作。",
            "body": [
                (
                    P,
                    rt(
                        "某司法所与本地职业培训学校合作，为有需要的社区矫正对象开设面点制作、电工等免费职业技能培训班，并邀请用人单位现场提供就业指导。",
                        "培训结束后，多数学员找到了工作。本文经隐私审核，不包含任何可识别个人身份的信息。",
                    ),
                ),
                ("quote", {"text": "一技之长，是回归社会最好的起点。", "attribution": "培训学校老师"}),
            ],
        },
        "en": {
            "title": "Good practice: free vocational training helps people back into work",
            "summary": "A judicial office and a training school ran free pastry and electrician courses; most participants found jobs.",
            "body": [
                (
                    P,
                    rt(
                        "A judicial office worked with a local vocational school to run free pastry-making and electrician courses for supervisees who wanted them, with employers on site giving job guidance.",
                        "Most participants found work after the course. This story was privacy-reviewed and contains nothing that identifies anyone.",
                    ),
                ),
                (
                    "quote",
                    {
                        "text": "A skill is the best starting point for returning to society.",
                        "attribution": "A teacher at the training school",
                    },
                ),
            ],
        },
    },
    {
        "slug": "volunteer-of-the-year",
        "kind": "story",
        "date": datetime.date(2026, 11, 2),
        "tags": {"zh": ["志愿服务", "好典型"], "en": ["volunteering", "good example"]},
        "zh": {
            "title": "好典型：一位退休教师的五年志愿服务",
            "summary": "一位退休教师担任社区矫正志愿者五年，坚持每月开展法制教育课。",
            "body": [
                (
                    P,
                    rt(
                        "一位退休教师担任社区矫正志愿者已有五年，坚持每月在司法所开展法制教育和心理健康讲座，累计服务时长三百余小时。",
                        "她说：“每个人都值得第二次机会。”（经本人书面同意发布。）",
                    ),
                )
            ],
        },
        "en": {
            "title": "Good example: a retired teacher's five years of volunteering",
            "summary": "A retired teacher has volunteered for five years, giving a legal-education class every month.",
            "body": [
                (
                    P,
                    rt(
                        "A retired teacher has volunteered in community corrections for five years, giving monthly legal-education and mental-health talks at a judicial office, more than three hundred hours in all.",
                        "\u201cEveryone deserves a second chance,\u201d she says. (Published with her written consent.)",
                    ),
                )
            ],
        },
    },
]

EVENT_INDEX = {
    "slug": "events",
    "zh": {
        "title": "活动",
        "summary": "公益活动、志愿者培训和宣传日。",
        "intro": rt("欢迎市民参加社区矫正宣传和志愿服务活动。"),
    },
    "en": {
        "title": "Events",
        "summary": "Public-interest activities, volunteer training and information days.",
        "intro": rt("Residents are welcome at our information and volunteering events."),
    },
}

EVENTS = [
    {
        "slug": "volunteer-training-december",
        "start": datetime.datetime(2027, 1, 16, 9, 0, tzinfo=SHANGHAI),
        "end": datetime.datetime(2027, 1, 16, 12, 0, tzinfo=SHANGHAI),
        "shift": "",
        "zh": {
            "title": "社区矫正志愿者岗前培训",
            "place": "新密市司法局三楼会议室",
            "summary": "新志愿者岗前培训：法律法规、保密要求和沟通技巧。",
            "body": [
                (
                    P,
                    rt(
                        "培训内容包括社区矫正法律法规、隐私与保密要求、与社区矫正对象沟通的技巧。完成培训是参与志愿服务的必要条件。"
                    ),
                )
            ],
        },
        "en": {
            "title": "Induction training for volunteers",
            "place": "Third-floor meeting room, Xinmi Justice Bureau",
            "summary": "Induction training for new volunteers: the law, confidentiality and communication.",
            "body": [
                (
                    P,
                    rt(
                        "The training covers the community-corrections law, privacy and confidentiality, and how to talk with supervisees. Completing it is required before volunteering."
                    ),
                )
            ],
        },
    },
    {
        "slug": "legal-awareness-day",
        "start": datetime.datetime(2026, 12, 4, 9, 30, tzinfo=SHANGHAI),
        "end": datetime.datetime(2026, 12, 4, 11, 30, tzinfo=SHANGHAI),
        "shift": "/volunteers/",
        "zh": {
            "title": "国家宪法日法治宣传活动",
            "place": "新密市青屏广场",
            "summary": "在广场设置咨询台，介绍社区矫正工作和志愿服务。",
            "body": [
                (
                    P,
                    rt(
                        "司法所工作人员和志愿者将在广场设置咨询台，介绍社区矫正工作的意义、内容、方法和程序，解答市民问题。"
                    ),
                )
            ],
        },
        "en": {
            "title": "Constitution Day legal-awareness event",
            "place": "Qingping Square, Xinmi",
            "summary": "An information desk on the square about community corrections and volunteering.",
            "body": [
                (
                    P,
                    rt(
                        "Judicial-office staff and volunteers will run an information desk explaining the meaning, content, methods and procedures of community corrections and answering residents' questions."
                    ),
                )
            ],
        },
    },
    {
        "slug": "autumn-public-labour",
        "start": datetime.datetime(2026, 10, 17, 8, 30, tzinfo=SHANGHAI),
        "end": datetime.datetime(2026, 10, 17, 11, 0, tzinfo=SHANGHAI),
        "shift": "",
        "zh": {
            "title": "秋季公益劳动开放日",
            "place": "新密市城关镇",
            "summary": "志愿者协助组织公益劳动，清洁公园和街道。",
            "body": [(P, rt("志愿者协助司法所组织公益劳动，清洁公园和街道。"))],
        },
        "en": {
            "title": "Autumn public-interest labour day",
            "place": "Chengguan Town, Xinmi",
            "summary": "Volunteers helped organise public-interest labour, cleaning parks and streets.",
            "body": [
                (
                    P,
                    rt(
                        "Volunteers helped the judicial office organise public-interest labour, cleaning parks and streets."
                    ),
                )
            ],
        },
    },
]

RECRUITMENT = {
    "slug": "volunteer",
    "zh": {
        "title": "成为社区矫正志愿者",
        "summary": "协助司法所开展教育、帮扶和公益活动；经审核和培训后上岗。",
        "apply_label": "申请成为志愿者",
        "intro": rt("积极组建社区矫正志愿者队伍，协助司法所工作人员对矫正对象实施矫正。我们欢迎热心公益的市民加入。"),
        "body": [
            (
                "steps",
                {
                    "title": "如何加入",
                    "steps": [
                        {"title": "在线申请", "description": "填写志愿者申请表。"},
                        {"title": "审核", "description": "司法局对申请人进行审核。"},
                        {"title": "岗前培训", "description": "学习法律法规和保密要求。"},
                        {"title": "参与服务", "description": "预约服务岗位，记录服务时长，可申请志愿服务记录证明。"},
                    ],
                },
            ),
            (
                "statistics",
                {"title": "志愿服务一览", "figures": ["active_volunteers", "hours_this_year", "referrals_completed"]},
            ),
        ],
    },
    "en": {
        "title": "Volunteer in community corrections",
        "summary": "Help judicial offices with education, support and public-interest activities, after vetting and training.",
        "apply_label": "Apply to volunteer",
        "intro": rt(
            "Volunteer teams help judicial-office staff with correction. Residents who care about their community are welcome to join."
        ),
        "body": [
            (
                "steps",
                {
                    "title": "How to join",
                    "steps": [
                        {"title": "Apply online", "description": "Fill in the volunteer application."},
                        {"title": "Vetting", "description": "The justice bureau reviews your application."},
                        {"title": "Induction training", "description": "Learn the law and the confidentiality rules."},
                        {
                            "title": "Serve",
                            "description": "Book shifts, log your hours, and ask for a certificate of your volunteer service record.",
                        },
                    ],
                },
            ),
            (
                "statistics",
                {
                    "title": "Volunteering at a glance",
                    "figures": ["active_volunteers", "hours_this_year", "referrals_completed"],
                },
            ),
        ],
    },
}

FAQ = {
    "slug": "faq",
    "zh": {
        "title": "常见问题",
        "summary": "关于社区矫正和志愿服务的常见问题。",
        "intro": rt("以下是市民最常问的问题。"),
        "body": [
            (
                "faq",
                {
                    "title": "",
                    "questions": [
                        {
                            "question": "哪些人适用社区矫正？",
                            "answer": rt("被判处管制、宣告缓刑、裁定假释和暂予监外执行的罪犯，依法实行社区矫正。"),
                        },
                        {
                            "question": "社区矫正对象需要遵守哪些规定？",
                            "answer": rt("按规定报到，遵守会客、请销假、迁居等规定，参加教育学习和公益劳动。"),
                        },
                        {
                            "question": "志愿者会接触到个人信息吗？",
                            "answer": rt("志愿者只能看到开展服务所必需的最少信息，并须遵守保密要求。"),
                        },
                        {
                            "question": "志愿服务时长如何证明？",
                            "answer": rt("服务时长经审核后记录，志愿者可免费申请志愿服务记录证明。"),
                        },
                    ],
                },
            )
        ],
    },
    "en": {
        "title": "Frequently asked questions",
        "summary": "Common questions about community corrections and volunteering.",
        "intro": rt("The questions residents ask most often."),
        "body": [
            (
                "faq",
                {
                    "title": "",
                    "questions": [
                        {
                            "question": "Who serves a sentence in community corrections?",
                            "answer": rt(
                                "People sentenced to surveillance, given a suspended sentence, granted parole or allowed temporary execution outside prison."
                            ),
                        },
                        {
                            "question": "What rules must supervisees follow?",
                            "answer": rt(
                                "They check in as required, follow the rules on visitors, leave and relocation, and take part in education and public-interest labour."
                            ),
                        },
                        {
                            "question": "Will volunteers see personal information?",
                            "answer": rt(
                                "Volunteers see only the minimum needed for their service and must keep it confidential."
                            ),
                        },
                        {
                            "question": "How are volunteer hours certified?",
                            "answer": rt(
                                "Approved hours are recorded, and volunteers can ask for a free certificate of their volunteer service record."
                            ),
                        },
                    ],
                },
            )
        ],
    },
}

POLICY = {
    "slug": "policy-2012-17",
    "document_number": "新密政〔2012〕17号",
    "issued_on": datetime.date(2012, 8, 23),
    "zh": {
        "title": "新密市人民政府关于加强社区矫正工作的意见",
        "issuer": "新密市人民政府",
        "summary": "本平台的政策依据：社区矫正工作的重要性、主要任务和组织领导。",
        "body": [
            (
                P,
                rt(
                    "为正确适用《中华人民共和国刑法》，进一步推动社区矫正工作深入开展，新密市人民政府就加强社区矫正工作提出意见：充分认识开展社区矫正工作的重要性和必要性；明确教育矫正、监督管理、帮困扶助、队伍建设、经费保障和制度建设等主要任务；加强组织领导、调查研究和舆论宣传。"
                ),
            )
        ],
    },
    "en": {
        "title": "Opinions of the Xinmi People's Government on strengthening community corrections",
        "issuer": "Xinmi People's Government",
        "summary": "The policy this platform is built on: why community corrections matters, its main tasks and its leadership.",
        "body": [
            (
                P,
                rt(
                    "To apply the Criminal Law correctly and deepen community corrections, the Xinmi People's Government set out its opinions: understand why community corrections matters; carry out the main tasks of education, supervision, help and support, team building, funding and rules; and strengthen leadership, research and publicity. The full Chinese text is attached."
                ),
            )
        ],
    },
}

ABOUT = {
    "slug": "about-this-site",
    "zh": {
        "title": "关于本网站",
        "summary": "本网站由新密市司法局主办，介绍社区矫正工作。",
        "body": [
            (
                P,
                rt(
                    "本网站由新密市司法局主办。我们致力于让所有人都能使用本网站，包括使用读屏软件和键盘的用户。如发现无障碍问题，请联系我们。"
                ),
            )
        ],
    },
    "en": {
        "title": "About this site",
        "summary": "This site is run by the Xinmi Justice Bureau to explain community corrections.",
        "body": [
            (
                P,
                rt(
                    "This site is run by the Xinmi Justice Bureau. We want everyone to be able to use it, including people using screen readers and keyboards. Please tell us about any accessibility problem."
                ),
            )
        ],
    },
}

HOME_BODY = {
    "zh": [
        (
            "statistics",
            {
                "title": "全市社区矫正协同一览",
                "figures": ["active_volunteers", "hours_this_year", "referrals_completed"],
            },
        ),
        (
            "call_to_action",
            {
                "title": "成为志愿者",
                "text": "协助司法所开展教育、帮扶和公益活动。",
                "link_url": "/volunteer/",
                "link_label": "了解志愿服务",
            },
        ),
    ],
    "en": [
        (
            "statistics",
            {
                "title": "Community corrections in the city",
                "figures": ["active_volunteers", "hours_this_year", "referrals_completed"],
            },
        ),
        (
            "call_to_action",
            {
                "title": "Become a volunteer",
                "text": "Help judicial offices with education, support and public-interest activities.",
                "link_url": "/en/volunteer/",
                "link_label": "About volunteering",
            },
        ),
    ],
}
