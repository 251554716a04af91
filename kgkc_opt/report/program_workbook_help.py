"""The first sheet of a program workbook: how to fill it in, in Vietnamese with English beside it."""

from __future__ import annotations

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from kgkc_opt.inputs.eligibility import APPLICANT_KINDS, LOCATION_KINDS, PROVINCE_KINDS
from kgkc_opt.inputs.program_xlsx_layout import PROGRAM_TOTAL, SHEETS, STATED_TOTAL

#: (Vietnamese, English) paragraphs; a pair whose Vietnamese starts with "#" is a heading.
INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("# Sổ tính chương trình khuyến công", "# Industrial-promotion program workbook"),
    ("Sổ tính này ghi một chương trình khuyến công theo bố cục phụ lục của quyết định: danh mục nhiệm vụ, kinh "
     "phí theo năm và theo nguồn, mục tiêu, định mức hỗ trợ, đối tượng và ưu tiên. Điền xong, chuyển thành tệp "
     "chương trình và kiểm tra:",
     "This workbook holds one industrial-promotion program in the layout of the decision's annex: the task table, "
     "the annual table per funding source, the targets, the support rules, and who may be supported. Once filled "
     "in, convert and check it:"),
    ("kgkc-opt program import chuong-trinh.xlsx --out chuong-trinh.yaml\nkgkc-opt audit chuong-trinh.yaml",
     "kgkc-opt program import program.xlsx --out program.yaml\nkgkc-opt audit program.yaml --lang en"),
    ("Nếu có lỗi, lệnh import liệt kê tất cả, mỗi lỗi kèm trang tính và ô (vd. trang 'Nhiệm vụ - Tasks', ô F12).",
     "If anything is wrong, import lists every problem with its sheet and cell (e.g. sheet 'Nhiệm vụ - Tasks', "
     "cell F12)."),
    ("# Quy tắc chung", "# General rules"),
    ("Tiền ghi bằng triệu đồng. Ghi số trơn, không dấu phân cách hàng nghìn do tự gõ (Excel tự hiển thị); ô số "
     "của Excel được đọc chính xác.", "Money is in million VND. Type plain numbers (Excel shows the separators); "
     "numeric cells are read exactly."),
    ("Mỗi trang bảng có một dòng tiêu đề và dưới đó một dòng mã cột nhỏ màu xám (id, name_vi, cost.local, ...). "
     "Không sửa dòng mã. Có thể thêm cột riêng không có mã: cột đó không được đọc.",
     "Each table sheet has a header row and under it a small gray row of column keys (id, name_vi, cost.local, "
     "...). Leave the keys as they are. A column of your own without a key is not read."),
    ("Cột tiếng Anh có thể để trống (dùng tiếng Việt cho cả hai). Dòng trống được bỏ qua.",
     "English columns may be left empty (the Vietnamese is used for both). Empty rows are skipped."),
    ("Mã nhiệm vụ (II.1, III.2) là văn bản: các cột mã đã định dạng Văn bản để Excel không đổi 2.10 thành 2.1.",
     "Task ids (II.1, III.2) are text: the id columns are formatted as Text so that Excel keeps 2.10 as typed."),
    ("# Các trang", "# The sheets"),
    (f"{SHEETS['program']}: mã chương trình (tên tệp, không dấu, vd. an-giang-2026-2030), tên, tỉnh, năm đầu, năm "
     "cuối, văn bản.", "The program's id (the file name), title, province, first and last year, document."),
    (f"{SHEETS['sources']}: các nguồn vốn, đúng một nguồn local (ngân sách địa phương) và một nguồn enterprise "
     "(vốn đối ứng của cơ sở); state là nguồn nhà nước khác (kinh phí khuyến công quốc gia). Mỗi nguồn có một cột "
     "'cost.<mã>' ở trang Nhiệm vụ và trang Kinh phí năm. Xóa nguồn nào thì xóa cả cột của nó.",
     "The funding sources: exactly one local (the province's budget) and one enterprise (the establishments' "
     "contribution); state is any other state source (national funds). Each source has a column 'cost.<id>' on the "
     "task and annual sheets; delete a source's columns with it."),
    (f"{SHEETS['tasks']}: dòng nhóm (I, II, ...) chỉ ghi mã và tên nhóm; dòng nhiệm vụ ghi mã, tên, đơn vị tính, "
     "số lượng (khoảng: ghi cả tối thiểu), tổng kinh phí và kinh phí từng nguồn, thời gian (Hàng năm; 2026-2030; "
     "2026, 2028), định mức hỗ trợ áp dụng (mã ở trang Định mức). Cột Nhóm để trống: nhiệm vụ thuộc dòng nhóm ở trên.",
     "Group rows (I, II, ...) hold only the group's id and name; a task row its id, name, unit, quantity (a range: "
     "the minimum too), total cost and each source's part, years (annual; 2026-2030; 2026, 2028) and support rule "
     "(an id of the rules sheet). An empty Group cell: the group row above."),
    (f"{SHEETS['annual']}: mỗi năm một dòng, kế hoạch vốn từng nguồn. Hai dòng tổng ở dưới (nhãn có {STATED_TOTAL} "
     f"và {PROGRAM_TOTAL}) ghi tổng số mà văn bản nêu; để trống nếu văn bản không nêu.",
     "One row a year, each source's cap. The two total rows below hold the totals the decision states (leave "
     "them empty if it states none)."),
    (f"{SHEETS['targets']}: mục tiêu cụ thể (mục I.2 của văn bản), số lượng hoặc khoảng, và các nhiệm vụ mục tiêu "
     "tính đến.", "The specific targets (Section I.2), a quantity or a range, and the tasks each counts."),
    (f"{SHEETS['rules']}: mức hỗ trợ tối đa của nhà nước (tỷ lệ và mức mỗi đơn vị) với căn cứ pháp lý; thay đổi "
     "trong giai đoạn ghi ở dòng dưới, cùng mã, với ngày hiệu lực.",
     "The state's legal support caps (share and per unit) with their legal basis; a change during the period on "
     "the row under it, with the same id and the date it is in force from."),
    (f"{SHEETS['eligibility']}: đối tượng được hỗ trợ và ưu tiên theo văn bản (không bắt buộc), mỗi khoản một "
     "dòng. Dòng đầu của một bộ quy tắc ghi mã, tên, căn cứ pháp lý, ngày hiệu lực; các khoản tiếp theo ghi ngay "
     "dưới, cùng mã, để trống các ô đó. Khoản có điểm ưu tiên là khoản ưu tiên (cộng điểm); không có điểm là điều "
     "kiện bắt buộc. Cột any.*: đủ điều kiện (hoặc được cộng điểm) nếu một trong các điều kiện đúng; cột when.*: "
     "khoản chỉ áp dụng khi mọi điều kiện đúng. Loại hình đơn vị (applicant_kind): "
     f"{', '.join(APPLICANT_KINDS)}; địa bàn (location_kind): {', '.join(LOCATION_KINDS)}; cấp tỉnh "
     f"(province_kind): {', '.join(PROVINCE_KINDS)}; ghi nhiều loại cách nhau bởi dấu phẩy (hoặc tên tiếng Việt, "
     "vd. hợp tác xã). Các cột làng nghề, phụ nữ làm chủ, dân tộc thiểu số, địa bàn khó khăn: có/không.",
     "Who may be supported, and who comes first, under a legal text (optional), one row a clause. A rule "
     "pack's first row holds its id, name, legal basis and dates; its further clauses go on the rows right under "
     "it with the same id, those cells empty. A clause with priority points adds them; one without is a "
     "requirement. The any.* columns: eligible (or given the points) if one of them holds; the when.* columns: the "
     "clause concerns only proposals for which all of them hold. Kinds (canonical, or the Vietnamese name) "
     "separated by commas; the craft-village, women-owned, ethnic-minority and disadvantaged-area columns: yes/no."),
    (f"{SHEETS['cadences']}, {SHEETS['links']}, {SHEETS['relations']}: cách thực hiện (không bắt buộc): nhịp độ "
     "của nhiệm vụ, nhiệm vụ đi theo nhiệm vụ khác, quan hệ giữa số lượng.",
     "How the program is carried out (optional): cadences, tasks that follow other tasks, relations between "
     "quantities."),
    (f"{SHEETS['notes']}, {SHEETS['geography']}: ghi chú về văn bản gốc; vùng và đơn vị hành chính cấp xã (không "
     "bắt buộc).", "Notes on the source text; regions and commune-level units (optional)."),
    ("# Thêm", "# More"),
    ("Định dạng tệp chương trình và ý nghĩa từng mục: docs/program-format.md. Thuật ngữ: docs/glossary.md.",
     "The program format and what each item means: docs/program-format.md. Terms: docs/glossary.md."),
)


def instructions_sheet(ws: Worksheet, *, template: bool) -> None:
    """Fill ``ws`` (the workbook's first sheet) with the instructions."""
    ws.title = SHEETS["instructions"]
    ws.column_dimensions["A"].width = 80
    ws.column_dimensions["B"].width = 70
    row = 1
    if not template:
        ws.cell(row=row, column=1, value="Sổ tính này do kgkc-opt program export viết từ một tệp chương trình.")
        ws.cell(row=row, column=2, value="Written by kgkc-opt program export from a program file.")
        for col in (1, 2):
            ws.cell(row=row, column=col).font = Font(name="Times New Roman", italic=True, size=10)
        row += 2
    for vi, en in INSTRUCTIONS:
        heading = vi.startswith("#")
        for col, text in ((1, vi.lstrip("# ") if heading else vi), (2, en.lstrip("# ") if heading else en)):
            cell = ws.cell(row=row, column=col, value=text)
            cell.data_type = "s"
            cell.font = Font(name="Times New Roman", bold=heading, size=13 if heading else 11,
                             color=None if not text.startswith("kgkc-opt") else "1F4E78")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = max(len(vi) // 75 + vi.count("\n") + 1, len(en) // 65 + en.count("\n") + 1)
        ws.row_dimensions[row].height = 16 * lines + (6 if heading else 2)
        row += 1 + heading
    page_a4(ws)


def page_a4(ws: Worksheet) -> None:
    """Print on A4 landscape, one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    setup = ws.sheet_properties.pageSetUpPr
    assert setup is not None  # openpyxl makes one with the worksheet's properties
    setup.fitToPage = True
