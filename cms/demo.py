"""Demo documents: the administrative procedures of a provincial department of culture, sports and tourism.

About 130 controlled documents (ISO 9001 7.5) in Vietnamese, with 1 to 5 effective
versions each, all created through cms.services: the older versions as registered
paper history, the newest ones of a few documents through the real approval
workflow, a few revisions left waiting for a decision, and some reviews overdue.
Their forms are real .docx files: public for public procedures, for staff only otherwise.
Idempotent: documents that exist are left alone.

`seeded_version_ids()` names the versions this run recorded: the only ones whose
reading a later demo seeder may invent. A revision an officer published since the
last run is a real one, and nobody has read it until they say so.
"""

import datetime
import io
import random
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model

from qms.core.models import IsoClause, OrganisationUnit, User

from . import services
from .models import DocumentReview, DocumentVersion, ProcessDocumentPage

# The versions the last `seed` in this process recorded (empty when it created nothing).
_seeded_version_ids: set[int] = set()


def seeded_version_ids():
    return frozenset(_seeded_version_ids)


# unit code -> (identifier prefix, process owner username, subjects)
SUBJECTS = {
    "QLVH": (
        "VH",
        "vh_head",
        [
            "giấy phép tổ chức biểu diễn nghệ thuật",
            "thông báo tổ chức biểu diễn nghệ thuật",
            "giấy phép tổ chức lễ hội truyền thống",
            "thông báo sản phẩm quảng cáo trên bảng quảng cáo, băng rôn",
            "giấy phép xuất khẩu di vật, cổ vật",
            "giấy chứng nhận đủ điều kiện kinh doanh giám định cổ vật",
            "giấy chứng nhận hành nghề mua bán di vật, cổ vật",
            "giấy phép tổ chức thi người đẹp, người mẫu",
            "giấy phép phổ biến phim",
            "giấy phép nhập khẩu văn hóa phẩm",
            "giấy chứng nhận đủ điều kiện kinh doanh dịch vụ karaoke",
            "giấy phép kinh doanh dịch vụ vũ trường",
            "công nhận gia đình văn hóa, thôn văn hóa",
            "giấy phép triển lãm mỹ thuật",
            "giấy phép sao chép tác phẩm mỹ thuật về danh nhân văn hóa",
            "đăng ký thành lập thư viện tư nhân",
            "công nhận bảo tàng ngoài công lập",
            "xếp hạng di tích cấp tỉnh",
        ],
    ),
    "QLTDTT": (
        "TT",
        "tt_head",
        [
            "giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",
            "đăng cai tổ chức giải thi đấu vô địch từng môn thể thao cấp tỉnh",
            "đăng cai giải thể thao quần chúng",
            "phong đẳng cấp vận động viên, huấn luyện viên",
            "công nhận câu lạc bộ thể thao cơ sở",
            "giấy chứng nhận đủ điều kiện kinh doanh môn bơi, lặn",
            "giấy chứng nhận đủ điều kiện kinh doanh môn võ cổ truyền",
            "tổ chức giải chạy việt dã, marathon",
            "giấy chứng nhận đủ điều kiện kinh doanh môn thể dục thẩm mỹ",
            "tuyển chọn vận động viên năng khiếu",
            "tổ chức Đại hội Thể dục thể thao cấp tỉnh",
        ],
    ),
    "QLDL": (
        "DL",
        "dl_head",
        [
            "công nhận hạng cơ sở lưu trú du lịch 1 sao, 2 sao",
            "công nhận cơ sở lưu trú du lịch đạt tiêu chuẩn",
            "cấp thẻ hướng dẫn viên du lịch nội địa",
            "cấp thẻ hướng dẫn viên du lịch tại điểm",
            "giấy phép kinh doanh dịch vụ lữ hành nội địa",
            "công nhận điểm du lịch",
            "công nhận khu du lịch cấp tỉnh",
            "công nhận cơ sở kinh doanh dịch vụ ăn uống đạt chuẩn phục vụ khách du lịch",
            "công nhận cơ sở kinh doanh dịch vụ mua sắm đạt chuẩn phục vụ khách du lịch",
            "thẩm định hồ sơ xếp hạng homestay",
            "tiếp nhận và giải quyết phản ánh của khách du lịch",
        ],
    ),
    "VP": (
        "VP",
        "officer2",
        [
            "tiếp nhận và trả kết quả hồ sơ tại bộ phận một cửa",
            "quản lý văn bản đến, văn bản đi",
            "kiểm soát tài liệu và hồ sơ của hệ thống quản lý chất lượng",
            "đánh giá nội bộ hệ thống quản lý chất lượng",
            "kiểm soát đầu ra không phù hợp và hành động khắc phục",
            "xem xét của lãnh đạo",
            "đo lường sự hài lòng của người dân, tổ chức",
        ],
    ),
    "TTRA": (
        "TR",
        "auditor",
        [
            "tiếp công dân",
            "giải quyết khiếu nại",
            "giải quyết tố cáo",
            "thanh tra chuyên ngành văn hóa, thể thao và du lịch",
        ],
    ),
    "KHTC": (
        "KH",
        "kh_staff",
        [
            "lập và giao dự toán ngân sách",
            "thẩm định quyết toán kinh phí sự nghiệp",
            "mua sắm tài sản công",
            "quản lý tài sản công",
        ],
    ),
}

CHANGES = [
    "Cập nhật căn cứ pháp lý theo Nghị định mới",
    "Rút ngắn thời hạn giải quyết từ 7 xuống 5 ngày làm việc",
    "Bổ sung tiếp nhận hồ sơ trực tuyến trên Cổng dịch vụ công",
    "Sửa đổi biểu mẫu tờ khai theo Thông tư mới",
    "Điều chỉnh phân công trách nhiệm sau khi sắp xếp tổ chức bộ máy",
    "Bổ sung bước lấy ý kiến cơ quan liên quan",
    "Làm rõ thành phần hồ sơ và số lượng bản",
]

REFERENCES = (
    "<ul><li>Luật Quảng cáo năm 2012</li><li>Nghị định số 144/2020/NĐ-CP về hoạt động nghệ thuật biểu diễn</li>"
    "<li>Luật Du lịch năm 2017</li><li>Luật Thể dục, thể thao năm 2006, sửa đổi năm 2018</li>"
    "<li>TCVN ISO 9001:2015</li></ul>"
)


# The steps of every demo process: (step, responsible, role, working days, output). Together they take
# STEP_DAYS working days, no more than the shortest statutory time of the demo's procedures
# (qms.procedures.demo.TIME_LIMITS), so submitting a demo document unchanged passes the time-limit check
# (qms.procedures.time_limits). The older free-text time limit stays empty: one time per step, the one
# the check reads and the page shows.
STEPS = (
    ("Tiếp nhận hồ sơ, kiểm tra tính đầy đủ, hợp lệ", "Bộ phận một cửa", "one_stop", "0.5", "Giấy tiếp nhận hồ sơ"),
    ("Thẩm định hồ sơ, đề xuất giải quyết", "Chuyên viên {unit}", "specialist", "2.5", "Tờ trình"),
    ("Xem xét, trình ký", "Lãnh đạo {unit}", "unit_head", "0.5", "Dự thảo kết quả"),
    ("Phê duyệt kết quả", "Lãnh đạo Sở", "leadership", "1", "Văn bản được ký"),
    ("Vào sổ, đóng dấu, trả kết quả", "Văn phòng Sở", "one_stop", "0.5", "Kết quả giải quyết"),
)
STEP_DAYS = sum(Decimal(days) for *_step, days, _output in STEPS)


def _content(title, unit):
    steps = [
        (
            "step",
            {
                "step": step,
                "responsible": who.format(unit=unit.name),
                "role": role,
                "duration": Decimal(days),
                "duration_unit": "working_days",
                "time_limit": "",
                "output": output,
            },
        )
        for step, who, role, days, output in STEPS
    ]
    return {
        "purpose": (
            f"<p>Quy định trình tự, trách nhiệm thực hiện {title.lower()} bảo đảm đúng quy định và thời hạn.</p>"
        ),
        "scope": f"<p>Áp dụng đối với {unit.name}, Bộ phận một cửa và tổ chức, cá nhân có liên quan.</p>",
        "references": REFERENCES,
        "definitions": "<p>TTHC: thủ tục hành chính; HS: hồ sơ; BPMC: Bộ phận một cửa.</p>",
        "steps": steps,
        "records": [
            (
                "record",
                {"record": "Hồ sơ đề nghị", "keeper": unit.name, "location": "Kho lưu trữ", "retention": "5 năm"},
            ),
            (
                "record",
                {
                    "record": "Sổ theo dõi hồ sơ",
                    "keeper": "Bộ phận một cửa",
                    "location": "Bộ phận một cửa",
                    "retention": "Lâu dài",
                },
            ),
        ],
    }


# The smallest package Word and LibreOffice open: content types, the package relationship, the body.
_DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    ),
}


def docx(paragraphs):
    """A minimal valid .docx holding `paragraphs` (python-docx is not a dependency)."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>' for text in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in {**_DOCX_PARTS, "word/document.xml": document}.items():
            package.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), xml)
    return buffer.getvalue()


def _form(code, title, procedure, user):
    """A form of a procedure as a real Wagtail document (.docx), ready for DocumentForm."""
    lines = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"{code}",
        title.upper(),
        f"(Kèm theo {procedure})",
        "Họ và tên: ....................................................",
        "Địa chỉ: ......................................................",
        "Nội dung: .....................................................",
        "Ngày ..... tháng ..... năm 20.....",
    ]
    document = get_document_model()(
        title=f"{code} {title}", file=ContentFile(docx(lines), name=f"{code}.docx"), uploaded_by_user=user
    )
    document.save()
    return {"code": code, "title": title, "document": document}


def _forms(identifier, title, public, shared, user):
    """A public procedure has its application form; an internal one its control sheet, and the internal
    procedure of a public procedure shares that procedure's application form: the form stays public
    (`cms.read_form_file`, cms/rules.py), the control sheet is for staff only."""
    code = "BM-" + identifier.removeprefix("QT-")
    if public:
        return [_form(f"{code}-01", "Tờ khai đề nghị", title, user)]
    forms = [_form(f"{code}-01", "Phiếu kiểm soát quá trình giải quyết hồ sơ", title, user)]
    if shared is not None and title.startswith("Quy trình nội bộ"):
        forms.append(dict(shared))
    return forms


def _titles(subject, public):
    if not public:
        return [f"Quy trình {subject}"]
    if subject.startswith(("giấy", "thẻ", "cấp thẻ")):
        subject = subject.removeprefix("cấp ")
        titles = [f"Thủ tục cấp {subject}", f"Thủ tục cấp lại {subject}", f"Thủ tục điều chỉnh {subject}"]
    else:
        titles = [f"Thủ tục {subject}"]
    return titles + [f"Quy trình nội bộ giải quyết thủ tục {subject}"]


def _documents():
    """(identifier, title, unit code, owner username, is_public) for about 130 documents."""
    rows = []
    for unit_code, (prefix, owner, subjects) in SUBJECTS.items():
        public = unit_code in ("QLVH", "QLTDTT", "QLDL")
        n = 0
        for subject in subjects:
            for title in _titles(subject, public):
                n += 1
                # Internal procedures (quy trình nội bộ) are for staff only.
                is_public = public and not title.startswith("Quy trình")
                rows.append((f"QT-{prefix}-{n:02d}", title, unit_code, owner, is_public))
    return rows


def seed(stdout):
    started = timezone.now()
    rng = random.Random(2026)
    units = {unit.code: unit for unit in OrganisationUnit.objects.all()}
    people = {user.username: user for user in User.objects.filter(is_demo=True)}
    officer, approver = people.get("officer"), people.get("approver")
    if officer is None or approver is None or not units:
        stdout.write("  cms: the core demo organisation is missing; run seed_demo")
        return
    clauses = list(IsoClause.objects.filter(number__in=["7.5", "7.5.2", "7.5.3", "8.2.2", "8.5.1", "8.5.2"]))
    existing = set(ProcessDocumentPage.objects.values_list("identifier", flat=True))
    today = timezone.localdate()
    created = 0
    created_pages = []
    workflow_docs = []
    shared_form = None  # the application form of the last public procedure, for its internal procedure
    for position, (identifier, title, unit_code, owner_name, public) in enumerate(_documents()):
        if identifier in existing or unit_code not in units:
            shared_form = None
            continue
        unit = units[unit_code]
        # Most procedures have been revised once or twice; a few up to five times.
        versions = rng.choices([1, 2, 3, 4, 5], weights=[35, 30, 20, 10, 5])[0]
        # Some documents are overdue for review: their last version is more than a year old.
        overdue = position % 7 == 0
        last_effective = today - datetime.timedelta(days=rng.randint(400, 700) if overdue else rng.randint(20, 330))
        dates = sorted(last_effective - datetime.timedelta(days=rng.randint(200, 500) * k) for k in range(versions))
        with transaction.atomic():
            forms = _forms(identifier, title, public, shared_form, officer)
            shared_form = forms[0] if public else None
            page = services.document_create(
                identifier=identifier,
                title=title,
                unit=unit,
                process_owner=people.get(owner_name),
                review_interval_months=12,
                is_public=public,
                revision_number=1,
                effective_date=dates[0],
                content={
                    **_content(title, unit),
                    "clauses": rng.sample(clauses, k=min(2, len(clauses))),
                    "forms": forms,
                },
                user=officer,
                reason="Ban hành lần đầu",
                reviewed_by=officer,
                approved_by=approver,
            )
            for day in dates[1:]:
                page = services.document_publish_imported_revision(
                    page=page,
                    user=officer,
                    reason="Đăng ký từ sổ theo dõi tài liệu",
                    change_summary=rng.choice(CHANGES),
                    effective_date=day,
                    reviewed_by=officer,
                    approved_by=approver,
                )
        created += 1
        created_pages.append(page.pk)
        if position % 25 == 3:
            workflow_docs.append(page)
    # A few revisions go through the real workflow today; two more wait for the approver.
    # Drafted and submitted by the process owner, reviewed by a quality officer, approved by leadership:
    # three people, since nobody approves what they submitted (ISO 9001 5.3, 7.5.2 c).
    for n, page in enumerate(workflow_docs):
        submitter = page.process_owner if page.process_owner not in (None, officer, approver) else people["officer2"]
        services.document_submit(
            page=page, user=submitter, change_summary="Cập nhật theo kết quả xem xét định kỳ năm 2026"
        )
        services.document_task_approve(page=page, user=officer)
        if n % 2 == 0:
            services.document_task_approve(page=page, user=approver)
    _seeded_version_ids.clear()
    _seeded_version_ids.update(DocumentVersion.objects.filter(page_id__in=created_pages).values_list("pk", flat=True))
    # Periodic reviews on record for some documents not overdue.
    for page in ProcessDocumentPage.objects.filter(identifier__in=[row[0] for row in _documents()[1::9]]):
        if page.reviews.exists() or not page.next_review_date or page.next_review_date < today:
            continue
        services.document_review_record(
            page=page, outcome=DocumentReview.Outcome.STILL_VALID, comment="Còn phù hợp", user=officer
        )
    for unit in units.values():
        if ProcessDocumentPage.objects.filter(unit=unit).exists():
            services.document_owner_groups_sync(unit=unit)
    seconds = (timezone.now() - started).total_seconds()
    total = ProcessDocumentPage.objects.count()
    stdout.write(f"  cms: {created} documents created ({total} in all) in {seconds:.0f} s")
