import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

/**
 * A button that may be refused to the user: with a `disabledReason` it is disabled, says the reason as its tooltip
 * and is described by the element `reasonId` (which the caller renders, with the reason in words, so that the
 * reason is visible without hovering and read by screen readers).
 */
export function ButtonWithReason(
  props: ButtonProps & { disabledReason?: string; reasonId?: string },
) {
  const { disabledReason, reasonId, disabled, ...button } = props;
  return (
    <Tooltip title={disabledReason ?? ''}>
      {/* A disabled button gets no pointer events; the span keeps the tooltip working. */}
      <span>
        <Button
          {...button}
          disabled={disabled || disabledReason !== undefined}
          aria-describedby={disabledReason ? reasonId : undefined}
        />
      </span>
    </Tooltip>
  );
}
