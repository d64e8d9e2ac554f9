/* The boards wvm has, one per guest architecture (core/board.h). */
#include "board/arm_virt.h"
#include "board/riscv_virt.h"

static const board_class *const boards[] = {
    [WVM_ARCH_RISCV64] = &riscv_virt_board,
    [WVM_ARCH_AARCH64] = &arm_virt_board,
};

const board_class *board_for_arch(int arch)
{
    return arch >= 0 && arch < (int)(sizeof(boards) / sizeof(boards[0])) ? boards[arch] : NULL;
}
