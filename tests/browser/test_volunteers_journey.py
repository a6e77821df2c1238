"""A person applies, a coordinator vets them to active, the volunteer books a shift, logs hours,
the coordinator approves, the volunteer downloads the certificate."""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from records.models import IssuedDocument
from tests.factories import PASSWORD
from tests.volunteers import factories as f
from volunteers.models import Shift, Volunteer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
NEW_PASSWORD = "Zhiyuan-2026-ok"


def log_in(page, username, password):
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_apply_vet_book_log_approve_and_download_certificate(page, browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = live_server.url
    team = f.team("新密市社区矫正志愿者协会")
    coordinator = f.coordinator(team, username="coord")
    opportunity = f.opportunity(organisation=team, title="法治教育集中学习", courses=["legal_basics"])
    shift = f.shift(opp=opportunity, in_hours=72, hours=3, capacity=2, place="青屏街道司法所")

    # 1. A person applies from the public site.
    page.goto("/")
    page.get_by_role("link", name="志愿者").first.click()
    page.get_by_role("link", name="申请成为志愿者").first.click()
    page.get_by_label("姓名").fill("周晓梅")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("电子邮箱").fill("zhou@example.cn")
    page.locator("#id_organisation").select_option(label="新密市社区矫正志愿者协会")  # no team is preselected
    page.get_by_label("可服务时间").fill("周末")
    page.get_by_label("申请动机").fill("帮助他人")
    page.get_by_role("button", name="提交申请").click()
    assert page.locator(".errorlist").first.is_visible()  # consent is separate and explicit
    page.get_by_label(re.compile("我同意")).check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/volunteers/apply/thanks/")
    applicant = Volunteer.objects.get(phone="+8613912345678")
    assert any("zhou@example.cn" in m.to for m in mail.outbox)

    # 2. The coordinator vets them to active, recording the training on the way.
    coord = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    cpage = coord.new_page()
    log_in(cpage, coordinator.username, PASSWORD)
    cpage.goto("/volunteers/manage/")
    cpage.get_by_role("link", name="周晓梅").click()

    def move(status_label):
        cpage.get_by_label("变更为").select_option(label=status_label)
        cpage.get_by_label("备注").fill(f"{status_label}：已核实")
        cpage.get_by_role("button", name="变更状态").click()
        cpage.wait_for_load_state()

    move("已面谈")
    move("已背景审查")
    for course in ("社区矫正法律基础", "保密与个人信息保护"):
        cpage.get_by_label("课程").select_option(label=course)
        cpage.get_by_label("完成日期").fill(timezone.localdate().isoformat())
        cpage.get_by_role("button", name="登记培训").click()
        cpage.wait_for_load_state()
    move("已培训")
    move("在岗")
    assert "在岗" in cpage.get_by_test_id("volunteer-status").inner_text()

    # 3. The volunteer chooses a password from the e-mailed link and books the shift.
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace(settings.SITE_URL, ""))
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="设置密码").click()
    page.wait_for_load_state()
    log_in(page, "13912345678", NEW_PASSWORD)
    page.goto("/volunteers/home/")
    assert "在岗" in page.get_by_test_id("volunteer-status").inner_text()
    page.get_by_role("link", name="查找班次").click()
    page.get_by_test_id(f"shift-{shift.pk}").get_by_role("button", name="预约").click()
    assert "预约成功" in page.locator(".messages").inner_text()

    # Time passes: the shift took place.
    start = timezone.now() - dt.timedelta(hours=4)
    Shift.objects.filter(pk=shift.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=3))

    # 4. The volunteer logs the hours of that shift.
    page.goto("/volunteers/hours/")
    page.get_by_label("班次").select_option(index=1)
    page.get_by_label("日期").fill(timezone.localdate(start).isoformat())
    page.get_by_label("时长（小时）").fill("3")
    page.get_by_role("button", name="提交时长").click()
    assert "时长已登记" in page.locator(".messages").inner_text()

    # 5. The coordinator approves.
    cpage.goto("/volunteers/manage/hours/")
    cpage.get_by_role("checkbox").first.check()
    cpage.get_by_role("button", name="通过所选", exact=True).click()
    assert "已审核 1 条记录" in cpage.locator(".messages").inner_text()
    coord.close()

    # 6. The volunteer downloads the certificate.
    page.goto("/volunteers/home/")
    assert page.get_by_test_id("hours-approved").inner_text() == "3"
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载证明").click()
    pdf = download_info.value.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "周晓梅" in text and "3.00 小时" in text and "法治教育集中学习" in text
    assert IssuedDocument.objects.get(kind="volunteer_certificate", office=applicant.organisation).number in text
