"""The layout of a program workbook: its sheets, the columns of each (key, header in Vietnamese and
English, what a cell holds) and the rows of a table sheet. ``inputs.program_xlsx`` reads it,
``report.program_workbook`` writes it (docs/program-format.md, "Drafting a program in Excel")."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from kgkc_opt.inputs.eligibility import FIELD_NAMES, FLAG_FIELDS, KIND_FIELDS, PROVINCE_KINDS

#: The sheets, by role: (name). A sheet is found by its name, or by either half of it
#: ("Nhiệm vụ" or "Tasks"), case and accents ignored.
SHEETS = {
    "instructions": "Hướng dẫn - Instructions",
    "program": "Chương trình - Program",
    "sources": "Nguồn vốn - Sources",
    "tasks": "Nhiệm vụ - Tasks",
    "annual": "Kinh phí năm - Annual",
    "rules": "Định mức - Support rules",
    "eligibility": "Đối tượng - Eligibility",
    "targets": "Mục tiêu - Targets",
    "cadences": "Nhịp độ - Cadences",
    "links": "Liên kết - Links",
    "relations": "Quan hệ - Relations",
    "notes": "Ghi chú - Source notes",
    "geography": "Địa bàn - Geography",
}
#: Sheets a program cannot do without.
REQUIRED_SHEETS = ("program", "tasks", "annual")
#: Rows of a table sheet: title, note, header (vi / en), column keys, then data.
TITLE_ROW, NOTE_ROW, HEAD_ROW, KEY_ROW, FIRST_ROW = 1, 2, 3, 4, 5
#: Most rows read from a sheet (a program has tens of tasks; thousands is a mistake).
MAX_ROWS = 5000
#: Most columns read from a sheet.
MAX_COLUMNS = 60
YES = ("có", "co", "yes", "true", "x", "1", "đúng", "dung")
NO = ("không", "khong", "no", "false", "0", "sai")
#: Labels of the two total rows of the annual sheet (under the years), found by the key in brackets.
STATED_TOTAL, PROGRAM_TOTAL = "[stated_total]", "[program_total]"


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: its key, header (vi, en), what it holds and its width."""

    key: str
    vi: str
    en: str
    kind: str = "text"  # text, id, money, int, share, bool, date, list, years, choice, points
    width: int = 14
    choices: tuple[str, ...] = ()
    required: bool = False


def cost_columns(sources: list[tuple[str, str, str]]) -> list[Column]:
    """The money columns of the task and annual sheets: the total, then one per source
    (``sources``: id, name vi, name en)."""
    cols = [Column("total", "Tổng số (triệu đồng)", "Total (million VND)", "money", 13)]
    return cols + [Column(f"cost.{sid}", f"{vi} (triệu đồng)", f"{en} (million VND)", "money", 13)
                   for sid, vi, en in sources]


#: The two columns of a program that names no sources (Decision 2454's Vốn NS and Vốn khác).
DEFAULT_COST_SOURCES = [("state", "Vốn ngân sách nhà nước", "State budget"),
                        ("other", "Vốn khác (đối ứng)", "Other sources (co-funding)")]

PROGRAM_FIELDS = (
    Column("id", "Mã chương trình (tên tệp, không dấu)", "Program id (the file name)", "text", required=True),
    Column("title_vi", "Tên chương trình (tiếng Việt)", "Title (Vietnamese)", required=True),
    Column("title_en", "Tên chương trình (tiếng Anh)", "Title (English)"),
    Column("province", "Tỉnh", "Province"),
    Column("period_start", "Năm bắt đầu", "First year", "int", required=True),
    Column("period_end", "Năm kết thúc", "Last year", "int", required=True),
    Column("document", "Văn bản (số, ngày quyết định; tiếng Việt)", "Document (decision number, date; Vietnamese)"),
    Column("document_en", "Văn bản (tiếng Anh)", "Document (English)"),
    Column("illustrative", "Minh họa, không phải quyết định (có/không)", "Illustrative, not a decision (yes/no)",
           "bool"),
    Column("annual_source", "Nguồn của bảng kinh phí năm (mục, trang)", "Reference of the annual table"),
    Column("geography_source", "Văn bản về đơn vị hành chính", "Reference of the geography"),
)

SOURCE_COLUMNS = (
    Column("id", "Mã nguồn (chữ thường, không dấu)", "Source id (lower case)", "id", 16, required=True),
    Column("name_vi", "Tên nguồn vốn", "Name (Vietnamese)", width=34, required=True),
    Column("name_en", "Tên tiếng Anh", "Name (English)", width=30),
    Column("kind", "Loại: local = NS địa phương, state = NS khác, enterprise = đối ứng",
           "Kind: local budget, other state, enterprise", "choice", 22, ("local", "state", "enterprise"), True),
    Column("source", "Căn cứ", "Reference", width=40),
)


def task_columns(sources: list[tuple[str, str, str]]) -> list[Column]:
    """The task sheet's columns: the annex's own first, then what the format adds."""
    return [
        Column("id", "TT (mã nhiệm vụ, vd. II.1; dòng nhóm: I, II, ...)", "No. (task id, e.g. II.1; group row: I, II)",
               "id", 12, required=True),
        Column("name_vi", "Tên nhiệm vụ (dòng nhóm: tên nhóm)", "Task (group row: group name), Vietnamese",
               width=48, required=True),
        Column("unit_vi", "Đơn vị tính", "Unit", width=12),
        Column("quantity_min", "Số lượng tối thiểu (nếu là khoảng)", "Minimum quantity (a range)", "int", 11),
        Column("quantity", "Số lượng (tối đa nếu là khoảng)", "Quantity (the maximum of a range)", "int", 11),
        *cost_columns(sources),
        Column("years", "Thời gian triển khai (Hàng năm; 2026-2030; 2026, 2028)",
               "Years (annual; 2026-2030; 2026, 2028)", "years", 16),
        Column("lead", "Cơ quan chủ trì", "Lead agency", width=20),
        Column("partner", "Cơ quan phối hợp", "Partners", width=24),
        Column("group", "Nhóm (trống: nhóm của dòng nhóm ở trên)", "Group (empty: the group row above)", "id", 10),
        Column("support_rule", "Định mức hỗ trợ (mã, trang Định mức)", "Support rule (id, Support rules sheet)",
               "id", 22),
        Column("name_en", "Tên tiếng Anh", "Task name (English)", width=36),
        Column("unit_en", "Đơn vị tính (tiếng Anh)", "Unit (English)", width=12),
        Column("lead_en", "Cơ quan chủ trì (tiếng Anh)", "Lead agency (English)", width=20),
        Column("partner_en", "Cơ quan phối hợp (tiếng Anh)", "Partners (English)", width=24),
        Column("years_text", "Thời gian như ghi trong QĐ", "Years as printed", width=14),
        Column("short_vi", "Tên ngắn (biểu đồ)", "Short name (charts), Vietnamese", width=24),
        Column("short_en", "Tên ngắn (tiếng Anh)", "Short name, English", width=20),
        Column("level", "Cấp tổ chức", "Level", "choice", 12,
               ("province", "region", "commune", "ward", "special_zone")),
        Column("areas", "Địa bàn (mã, cách nhau bởi dấu phẩy)", "Areas (ids, comma-separated)", "list", 18),
        Column("source", "Căn cứ (mục, dòng của QĐ)", "Reference (section, row)", width=30),
        Column("name_as_printed", "Tên như in (nếu in sai)", "Name as printed (a misprint)", width=20),
        Column("unit_as_printed", "Đơn vị như in (nếu in sai)", "Unit as printed (a misprint)", width=14),
    ]


def annual_columns(sources: list[tuple[str, str, str]]) -> list[Column]:
    return [Column("year", "Năm", "Year", "int", 30, required=True), *cost_columns(sources),
            Column("source", "Căn cứ (dòng tổng)", "Reference (total rows)", width=36)]


TARGET_COLUMNS = (
    Column("id", "Mã mục tiêu", "Target id", "id", 10, required=True),
    Column("text_vi", "Mục tiêu (như ghi trong QĐ)", "Target (as the decision states it)", width=48, required=True),
    Column("text_en", "Mục tiêu (tiếng Anh)", "Target (English)", width=36),
    Column("qualifier", "Cách so: exact đúng, about khoảng, at_least ít nhất, more_than trên",
           "Qualifier", "choice", 14, ("exact", "about", "at_least", "more_than")),
    Column("quantity_min", "Số lượng tối thiểu (nếu là khoảng)", "Minimum (a range)", "int", 11),
    Column("quantity", "Số lượng (tối đa nếu là khoảng)", "Quantity (maximum of a range)", "int", 11, required=True),
    Column("tasks", "Nhiệm vụ (mã, cách nhau bởi dấu phẩy)", "Tasks (ids, comma-separated)", "list", 18, required=True),
    Column("unit_matches", "Cùng đơn vị với nhiệm vụ (có/không)", "Same unit as the tasks (yes/no)", "bool", 12),
    Column("source", "Căn cứ (mục I.2, gạch đầu dòng)", "Reference (Section I.2, bullet)", width=28),
)

RULE_COLUMNS = (
    Column("id", "Mã định mức (dòng lặp lại: thay đổi về sau)", "Rule id (repeated: a later version)", "id", 22,
           required=True),
    Column("name_vi", "Nội dung hỗ trợ", "Support (Vietnamese)", width=36),
    Column("name_en", "Tiếng Anh", "Support (English)", width=28),
    Column("max_state_share", "Tỷ lệ NN hỗ trợ tối đa (vd. 50%)", "Largest state share (e.g. 50%)", "share", 14),
    Column("max_state_per_unit", "Mức NN hỗ trợ tối đa/đơn vị (triệu đồng; trống: không giới hạn)",
           "Largest state support per unit (million VND; empty: none)", "money", 16),
    Column("citation", "Căn cứ pháp lý", "Legal basis", width=40, required=True),
    Column("confidence", "Độ tin cậy", "Confidence", width=14),
    Column("authority", "Cơ quan ban hành", "Authority", width=16),
    Column("jurisdiction", "Phạm vi áp dụng", "Jurisdiction", width=14),
    Column("valid_from", "Hiệu lực từ (ngày)", "In force from (date)", "date", 13),
    Column("valid_to", "Hiệu lực đến (ngày)", "In force until (date)", "date", 13),
)

CADENCE_COLUMNS = (
    Column("task", "Nhiệm vụ (mã)", "Task id", "id", 12, required=True),
    Column("cadence", "Nhịp độ: even đều, recurring hằng năm, events theo đợt, lumpy trọn gói",
           "Cadence", "choice", 16, ("even", "recurring", "events", "lumpy"), True),
    Column("source", "Căn cứ", "Reference", width=48),
)

LINK_COLUMNS = (
    Column("id", "Mã liên kết", "Link id", "id", 10, required=True),
    Column("task", "Nhiệm vụ đi theo (mã)", "Task that follows", "id", 14, required=True),
    Column("with", "Nhiệm vụ dẫn (mã)", "Leading task", "id", 14, required=True),
    Column("per_unit", "Tối đa mỗi đơn vị của nhiệm vụ dẫn", "At most per unit of the leader", "money", 14),
    Column("source", "Căn cứ", "Reference", width=40),
    Column("text_vi", "Diễn giải", "Text (Vietnamese)", width=40),
    Column("text_en", "Diễn giải (tiếng Anh)", "Text (English)", width=36),
)

RELATION_COLUMNS = (
    Column("id", "Mã quan hệ", "Relation id", "id", 10, required=True),
    Column("left", "Vế trái (mã nhiệm vụ)", "Left side (task ids)", "list", 16, required=True),
    Column("relation", "Quan hệ", "Relation", "choice", 10, ("<=", ">=", "="), True),
    Column("right", "Vế phải (mã nhiệm vụ)", "Right side (task ids)", "list", 16, required=True),
    Column("text_vi", "Diễn giải", "Text (Vietnamese)", width=40, required=True),
    Column("text_en", "Diễn giải (tiếng Anh)", "Text (English)", width=36),
    Column("enforce", "Bắt buộc khi lập kế hoạch (có/không)", "Enforced when planning (yes/no)", "bool", 12),
    Column("source", "Căn cứ", "Reference", width=30),
)

NOTE_COLUMNS = (
    Column("source", "Vị trí trong QĐ", "Where in the decision", width=30),
    Column("text_vi", "Ghi chú", "Note (Vietnamese)", width=60, required=True),
    Column("text_en", "Ghi chú (tiếng Anh)", "Note (English)", width=50),
    Column("severity", "Mức: error lỗi, warning cảnh báo, info ghi chú", "Severity", "choice", 12,
           ("error", "warning", "info")),
)

GEOGRAPHY_COLUMNS = (
    Column("kind", "Loại: region vùng, commune xã, ward phường, special_zone đặc khu", "Kind", "choice", 14,
           ("region", "commune", "ward", "special_zone"), True),
    Column("id", "Mã (không dấu)", "Id", "id", 14, required=True),
    Column("name_vi", "Tên", "Name (Vietnamese)", width=30, required=True),
    Column("name_en", "Tên tiếng Anh", "Name (English)", width=26),
    Column("region", "Thuộc vùng (mã)", "Region (id)", "id", 14),
    Column("formerly", "Hình thành từ (trước 2025)", "Formed from (before 2025)", width=28),
    Column("source", "Căn cứ", "Reference", width=28),
)


def _condition_columns(prefix: str, vi: str, en: str) -> tuple[Column, ...]:
    """A clause's conditions, one column a fact: kinds (comma-separated) or yes/no."""
    return tuple(Column(f"{prefix}.{field}", f"{vi}: {FIELD_NAMES[field].vi}", f"{en}: {FIELD_NAMES[field].en}",
                        "bool" if field in FLAG_FIELDS else "list", 16,
                        () if field in FLAG_FIELDS else tuple(KIND_FIELDS[field]))
                 for field in (*KIND_FIELDS, *FLAG_FIELDS))


#: The eligibility sheet: one row a clause; a pack's own cells on its first row, its other clauses
#: on the rows under it with the same id.
ELIGIBILITY_PACK_COLUMNS = (
    Column("id", "Mã bộ quy tắc (dòng lặp lại: khoản tiếp theo)", "Rule pack id (repeated: its next clause)", "id",
           22, required=True),
    Column("name_vi", "Tên bộ quy tắc", "Pack name (Vietnamese)", width=30),
    Column("name_en", "Tên tiếng Anh", "Pack name (English)", width=26),
    Column("citation", "Căn cứ pháp lý (văn bản)", "Legal basis (the text)", width=34, required=True),
    Column("authority", "Cơ quan ban hành", "Authority", width=16),
    Column("jurisdiction", "Phạm vi áp dụng", "Jurisdiction", width=14),
    Column("province_kind", "Loại đơn vị cấp tỉnh: province tỉnh, city thành phố trực thuộc TW",
           "Kind of province: province or city", "choice", 14, tuple(PROVINCE_KINDS)),
    Column("valid_from", "Hiệu lực từ (ngày)", "In force from (date)", "date", 13),
    Column("valid_to", "Hiệu lực đến (ngày)", "In force until (date)", "date", 13),
    Column("illustrative", "Minh họa (có/không)", "Illustrative (yes/no)", "bool", 11),
    Column("confidence", "Độ tin cậy", "Confidence", width=14),
)
ELIGIBILITY_CLAUSE_COLUMNS = (
    Column("clause", "Khoản (điều, khoản của văn bản)", "Clause (of the text)", width=26, required=True),
    Column("text_vi", "Nội dung khoản", "What the clause says (Vietnamese)", width=36),
    Column("text_en", "Nội dung (tiếng Anh)", "What it says (English)", width=30),
    Column("priority", "Điểm ưu tiên (trống: điều kiện bắt buộc)", "Priority points (empty: a requirement)",
           "points", 12),
    *_condition_columns("any", "Đủ điều kiện/được ưu tiên nếu", "Eligible/priority if any"),
    *_condition_columns("when", "Chỉ áp dụng khi", "Applies only when"),
)
ELIGIBILITY_COLUMNS = ELIGIBILITY_PACK_COLUMNS + ELIGIBILITY_CLAUSE_COLUMNS

#: The fixed column lists of the table sheets (tasks and annual depend on the sources).
FIXED_COLUMNS: dict[str, tuple[Column, ...]] = {
    "sources": SOURCE_COLUMNS, "targets": TARGET_COLUMNS, "rules": RULE_COLUMNS, "cadences": CADENCE_COLUMNS,
    "links": LINK_COLUMNS, "relations": RELATION_COLUMNS, "notes": NOTE_COLUMNS, "geography": GEOGRAPHY_COLUMNS,
    "eligibility": ELIGIBILITY_COLUMNS,
}


def _t(vi: str, en: str, lang: str) -> str:
    return en if lang == "en" else vi


def fold(text: str) -> str:
    """Lower case without accents (đ -> d), single spaces: how sheet names and yes/no are matched."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).casefold().split())
