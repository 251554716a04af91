"""A small proposals file for the annual plan's command and outputs tests (tests/cli/test_annual.py,
tests/report/test_annual_outputs.py): nine proposals for 2024 on tasks of the bundled program.

With ``--budget 1200`` the selection is known by hand: one demonstration model is left in 2024
(II.1), so KG-2024-001 (score 80, its 700 trimmed to the legal cap of 600) is chosen over
KG-2024-002 (score 70); the brand (III.3) and packaging (IV.1) proposals and two machinery ones
(II.2: KG-2024-003 and KG-2024-005, whose 280.5 tests decimals) fill the budget to 1,195.5; the
others are not funded (KG-2024-008: documents incomplete).
"""

from __future__ import annotations

from pathlib import Path

HEADER = ("proposal_id,title,applicant,commune,region,task_id,units,total_cost,requested,cofunding,score,"
          "priority_group,first_time,documents_complete,accepts_trim,started,withdrawn")
ROWS = {
    "KG-2024-001": "Mô hình trình diễn sấy lạnh nông sản,Công ty TNHH Nông sản Tân Hội,Xã Tân Hội,Tân Hiệp,II.1,1,"
                   "2000,700,1300,80,Nhóm 1,không,có,có,không,không",
    "KG-2024-002": "Mô hình trình diễn sản xuất gạch không nung,Công ty TNHH Vật liệu Hòa Điền,Xã Hòa Điền,Kiên "
                   "Lương,II.1,1,1500,450,1050,70,Nhóm 2,có,có,có,không,không",
    "KG-2024-003": "Ứng dụng máy sấy lúa tầng sôi,Hộ kinh doanh Nguyễn Văn Bảy,Xã Ngọc Chúc,Giồng Riềng,II.2,1,500,"
                   "250,250,75,Nhóm 3,có,có,có,không,không",
    "KG-2024-004": "Ứng dụng máy tiện CNC,Cơ sở cơ khí Tư Thành,Xã Mong Thọ A,Châu Thành,II.2,1,800,300,500,60,"
                   "Nhóm 3,không,có,có,không,không",
    "KG-2024-005": "Ứng dụng máy chà nhám và phun sơn,Công ty TNHH MTV Mộc Phát Đạt,Phường Vĩnh Hiệp,Rạch Giá,II.2,1,"
                   "600,280.5,319.5,65,Nhóm 3,không,có,có,không,không",
    "KG-2024-006": "Xây dựng thương hiệu nước mắm,Cơ sở nước mắm Hồng Phát,Phường An Thới,Phú Quốc,III.3,1,60,30,30,"
                   "70,Nhóm 1,có,có,có,không,không",
    "KG-2024-007": "Thiết kế bao bì khô cá,Cơ sở khô cá Đông Hồ,Phường Đông Hồ,Hà Tiên,IV.1,1,70,35,35,66,Nhóm 2,"
                   "có,có,có,không,không",
    "KG-2024-008": "Thiết kế bao bì bánh tráng,Cơ sở bánh tráng Cô Ba,Xã Định Hòa,Gò Quao,IV.1,1,50,25,25,50,Nhóm 3,"
                   "có,không,có,không,không",
    "KG-2024-009": "Ứng dụng máy làm nước đá,Cơ sở nước đá Thanh Tâm,Xã Ngọc Chúc,Giồng Riềng,II.2,1,400,200,200,55,"
                   "Nhóm 3,có,có,có,không,không",
}
BUDGET = "1200"
FUNDED = {"KG-2024-001", "KG-2024-003", "KG-2024-005", "KG-2024-006", "KG-2024-007"}


def write_proposals(path: Path, *, withdrawn: tuple[str, ...] = (), started: tuple[str, ...] = (),
                    extra_rows: tuple[str, ...] = (), national: tuple[str, ...] | None = None) -> Path:
    """The proposals file at ``path``; ``withdrawn`` and ``started`` mark proposals so (mid-year);
    ``national``: a channel column, these proposals registered for the national program."""
    lines = [HEADER + (",channel" if national is not None else "")]
    for pid, row in ROWS.items():
        cells = row.split(",")
        cells[-2] = "có" if pid in started else cells[-2]
        cells[-1] = "có" if pid in withdrawn else cells[-1]
        if national is not None:
            cells.append("quốc gia" if pid in national else "địa phương")
        lines.append(f"{pid},{','.join(cells)}")
    lines.extend(extra_rows)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
