"""The app's words, in Vietnamese (the default) and English: one entry per key, both languages."""

from __future__ import annotations

LANGS = ("vi", "en")

WORDS: dict[str, tuple[str, str]] = {
    "serving": ("Ứng dụng đang chạy tại {url} (chỉ máy này truy cập được). Bấm Ctrl+C để dừng.",
                "The app runs at {url} (reachable from this computer only). Press Ctrl+C to stop."),
    "title": ("Lập kế hoạch khuyến công", "Khuyến công planning"),
    "subtitle": ("Chọn chương trình, thay đổi vốn và mục tiêu, xem phương án phân bổ; tiền tính bằng triệu đồng.",
                 "Choose a program, change the money and the targets, see the plan; money in million VND."),
    "language": ("Ngôn ngữ", "Language"),
    "tab_program": ("1. Chương trình", "1. Program"),
    "tab_money": ("2. Vốn và mục tiêu", "2. Money and targets"),
    "tab_plan": ("3. Phương án", "3. Plan"),
    "tab_policies": ("4. So sánh phương án cắt giảm", "4. Policies side by side"),
    "tab_annual": ("5. Xét chọn đề án hằng năm", "5. Annual selection"),
    "tab_downloads": ("6. Tải về", "6. Downloads"),
    "bundled": ("Chương trình có sẵn", "Bundled program"),
    "use_bundled": ("Dùng chương trình này", "Use this program"),
    "upload_program": ("Hoặc tải lên tệp chương trình (YAML, tối đa 5 MB)",
                       "Or upload a program file (YAML, at most 5 MB)"),
    "loaded": ("Đang dùng: {title} ({tasks} nhiệm vụ, {first}–{last})",
               "In use: {title} ({tasks} tasks, {first}–{last})"),
    "program_uploaded": ("Đã đọc chương trình từ tệp {name}.", "Program read from {name}."),
    "money_set": ("Đã ghi: {source}, năm {year}: {value}. Bấm \"Lập phương án\" để tính lại.",
                  "Noted: {source}, {year}: {value}. Press \"Make the plan\" to solve again."),
    "money_help": ("Mỗi ô là vốn của một năm: để trống là giữ nguyên; ghi \"-30%\" để giảm 30%, \"+10%\" để tăng "
                   "10%, hoặc ghi số tiền (triệu đồng).",
                   "Each cell is one year's money: leave it empty to keep it; write \"-30%\" for 30% less, \"+10%\" "
                   "for 10% more, or an amount (million VND)."),
    "targets_help": ("Mục tiêu (số lượng) của từng nhiệm vụ: sửa số ở cột \"Mục tiêu mới\"; 0 là bỏ nhiệm vụ.",
                     "Each task's target (quantity): edit the \"New target\" column; 0 drops the task."),
    "source": ("Nguồn vốn", "Source"),
    "local": ("Vốn ngân sách địa phương", "Local budget"),
    "cofunding": ("Vốn khác (doanh nghiệp đối ứng)", "Co-funding"),
    "policy": ("Cách cắt giảm khi thiếu vốn", "How to cut when money is short"),
    "most-targets": ("Đạt nhiều mục tiêu nhất", "Most targets met"),
    "fair": ("Công bằng giữa các nhiệm vụ", "Fair across tasks"),
    "keep-cofunding": ("Giữ nhiều vốn đối ứng nhất", "Most co-funding kept"),
    "solve": ("Lập phương án", "Make the plan"),
    "solving": ("Đang tính…", "Solving…"),
    "reset": ("Khôi phục theo quyết định", "Reset to the decision"),
    "plan_none": ("Chưa có phương án: bấm \"Lập phương án\".", "No plan yet: press \"Make the plan\"."),
    "plan_head": ("Phương án: số lượng theo nhiệm vụ và năm", "The plan: units by task and year"),
    "headline": ("Đạt {met}/{n} mục tiêu; dùng {used} / {cap} triệu đồng vốn ngân sách địa phương. "
                 "Giải trong {secs} giây.",
                 "{met} of {n} targets met; {used} of {cap} million VND of local budget used. "
                 "Solved in {secs} s."),
    "no_plan": ("Không có phương án: {message}", "No plan: {message}"),
    "short_head": ("Nhiệm vụ chưa đạt mục tiêu", "Tasks short of their target"),
    "short_none": ("Mọi nhiệm vụ đều đạt mục tiêu.", "Every task meets its target."),
    "charts_head": ("Biểu đồ", "Charts"),
    "task": ("Nhiệm vụ", "Task"),
    "name": ("Tên nhiệm vụ", "Task name"),
    "unit": ("Đơn vị", "Unit"),
    "total": ("Tổng", "Total"),
    "target": ("Mục tiêu", "Target"),
    "new_target": ("Mục tiêu mới", "New target"),
    "achieved": ("Đạt", "Achieved"),
    "short": ("Thiếu", "Short"),
    "why": ("Vì sao", "Why"),
    "year": ("Năm", "Year"),
    "compare": ("So sánh ba cách cắt giảm", "Compare the three policies"),
    "compare_help": ("Cùng một kịch bản, lập theo từng cách cắt giảm: thiếu nhiệm vụ nào, mất bao nhiêu vốn "
                     "đối ứng.", "One scenario planned under each cut policy: which tasks fall short, how much "
                     "co-funding is lost."),
    "objective": ("Tổng tỷ lệ hoàn thành", "Sum of shares met"),
    "tasks_short": ("Số nhiệm vụ thiếu", "Tasks short"),
    "local_used": ("Vốn ngân sách dùng", "Local budget used"),
    "cofunding_lost": ("Vốn đối ứng mất", "Co-funding lost"),
    "proposals_upload": ("Tải lên danh sách đề án (CSV hoặc xlsx, tối đa 5 MB)",
                         "Upload the proposals (CSV or xlsx, at most 5 MB)"),
    "annual_year": ("Năm xét chọn", "Year"),
    "annual_run": ("Xét chọn", "Run the selection"),
    "annual_none": ("Chưa có kết quả xét chọn.", "No selection yet."),
    "annual_head": ("Được hỗ trợ {funded}/{n} đề án; kinh phí nhà nước {state} triệu đồng.",
                    "{funded} of {n} proposals funded; {state} million VND of state money."),
    "proposals_loaded": ("Đã đọc {n} đề án từ {name}.", "Read {n} proposals from {name}."),
    "downloads_help": ("Các tệp của phương án hiện tại (bấm \"Lập phương án\" trước).",
                       "The files of the current plan (press \"Make the plan\" first)."),
    "dl_brief": ("Tờ trình tóm tắt (Word)", "Brief (Word)"),
    "dl_workbook": ("Bảng tính theo mẫu phụ lục (Excel)", "Workbook in the annex layout (Excel)"),
    "dl_record": ("Thư mục kết quả và hồ sơ chạy (zip)", "Result folder with its record (zip)"),
    "error": ("Lỗi", "Error"),
    "err_input": ("Tệp hoặc số liệu chưa đúng, hãy sửa rồi thử lại:", "The file or figures need fixing:"),
    "err_type": ("Loại tệp không nhận: {name}. Chỉ nhận {allowed}.", "File type not accepted: {name}. "
                 "Only {allowed}."),
    "err_size": ("Tệp {name} quá lớn ({size:,} byte); tối đa {limit:,} byte.",
                 "The file {name} is too large ({size:,} bytes); the limit is {limit:,} bytes."),
    "err_money": ("Năm {year}, {source}: \"{value}\" không phải số tiền hay tỷ lệ như \"-30%\".",
                  "Year {year}, {source}: \"{value}\" is not an amount or a percentage like \"-30%\"."),
    "err_target": ("Nhiệm vụ {task}: mục tiêu \"{value}\" phải là số nguyên không âm.",
                   "Task {task}: the target \"{value}\" must be a whole number, 0 or more."),
    "err_no_plan": ("Chưa có phương án để tải về: bấm \"Lập phương án\" trước.",
                    "No plan to download yet: press \"Make the plan\" first."),
    "err_no_proposals": ("Chưa có danh sách đề án: tải lên tệp CSV hoặc xlsx trước.",
                         "No proposals yet: upload a CSV or xlsx file first."),
    "err_internal": ("Lỗi không mong đợi ({kind}); xem cửa sổ dòng lệnh để biết chi tiết.",
                     "Unexpected error ({kind}); the terminal shows the details."),
}


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The text of ``key`` in ``lang`` ("vi" or "en"), with ``values`` filled in."""
    vi, en = WORDS[key]
    text = en if lang == "en" else vi
    return text.format(**values) if values else text
