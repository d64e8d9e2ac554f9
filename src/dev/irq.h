/* An interrupt line from a device to an interrupt controller input. */
#ifndef WVM_IRQ_H
#define WVM_IRQ_H

typedef struct irq_line {
    /* Drive input `irq` of the controller `opaque` to `level` (0 or 1). */
    void (*set)(void *opaque, int irq, int level);
    void *opaque;
    int irq;
} irq_line;

/* Drive the line (level-triggered). A line with no controller is ignored. */
static inline void irq_set(const irq_line *l, int level)
{
    if (l->set)
        l->set(l->opaque, l->irq, level);
}

#endif
