"""An MLP classifier on MNIST, written the way PyTorch tutorials write one: an nn.Module with
F.relu, F.cross_entropy, SGD with momentum and a MultiStepLR schedule, gradient clipping, and the
test accuracy counted with ``torch.max(outputs.data, 1)`` and ``(predicted == labels).sum()``.
Only the import lines name minigan; with the PyTorch imports written beside them swapped in, the
file runs on PyTorch and torchvision.

    python examples/pytorch/classifier.py --data-root data --epochs 1

It prints the loss every --log-interval batches and the test accuracy after each epoch, and
writes OUT/mnist_mlp.pt (the state_dict) at the end.
"""
import argparse
import os

import minigan as torch                           # import torch
import minigan.nn as nn                           # import torch.nn as nn
import minigan.nn.functional as F                 # import torch.nn.functional as F
from minigan.utils.data import DataLoader         # from torch.utils.data import DataLoader
from minigan.vision import datasets, transforms   # from torchvision import datasets, transforms

parser = argparse.ArgumentParser(description="An MLP classifier on MNIST.")
parser.add_argument("--epochs", type=int, default=3, help="number of epochs to train")
parser.add_argument("--max-steps", type=int, default=0, help="stop each epoch after this many batches (0: no limit)")
parser.add_argument("--batch-size", type=int, default=100, help="training batch size")
parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
parser.add_argument("--max-norm", type=float, default=5.0, help="clip the gradients' total norm to this")
parser.add_argument("--log-interval", type=int, default=100, help="batches between loss lines")
parser.add_argument("--data-root", default="data", help="where MNIST is (or goes)")
parser.add_argument("--out", default=".", help="folder for mnist_mlp.pt")
parser.add_argument("--seed", type=int, default=1, help="random seed")
args = parser.parse_args()

torch.manual_seed(args.seed)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
train_set = datasets.MNIST(args.data_root, train=True, download=True, transform=transform)
test_set = datasets.MNIST(args.data_root, train=False, transform=transform)
train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
test_loader = DataLoader(test_set, batch_size=1000)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


model = Net().to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[2], gamma=0.1)

for epoch in range(1, args.epochs + 1):
    model.train()
    for i, (images, labels) in enumerate(train_loader):
        if args.max_steps and i >= args.max_steps:
            break
        images, labels = images.to(device), labels.to(device)
        outputs = model(images)
        loss = F.cross_entropy(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), args.max_norm)
        optimizer.step()
        if (i + 1) % args.log_interval == 0:
            print(f"Epoch [{epoch}/{args.epochs}], Step [{i + 1}/{len(train_loader)}], Loss: {loss.item():.4f}")
    scheduler.step()

    model.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for images, labels in test_loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    print(f"Epoch {epoch}: test accuracy {100 * correct / total:.2f} % ({correct}/{total}), "
          f"lr {scheduler.get_last_lr()[0]:g}")

os.makedirs(args.out, exist_ok=True)
torch.save(model.state_dict(), os.path.join(args.out, "mnist_mlp.pt"))
