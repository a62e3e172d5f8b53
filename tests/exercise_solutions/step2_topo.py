"""The reference solution of step 2 (kept in the tests, not in the stubs)."""


def topological_order(root):
    order, placed = [], {id(root)}
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        parent = next((p for p in parents if id(p) not in placed), None)
        if parent is None:
            order.append(stack.pop()[0])
        else:
            placed.add(id(parent))
            stack.append((parent, iter(parent._parents)))
    return order
